using System.Globalization;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Portal.Tests.Support;

/// <summary>
/// A real SMTP server (npm smtp-server, tests/mail-server) on free loopback ports; the portal sends to it and the
/// tests read what arrived. Portal settings: <see cref="PortalSettings"/>.
/// </summary>
public sealed partial class MailServer : IAsyncDisposable
{
    private static readonly string Directory = RepoPaths.Combine("tests", "mail-server");
    private readonly Process process;
    private readonly HttpClient http;

    private MailServer(Process process, int smtpPort, int httpPort)
    {
        this.process = process;
        SmtpPort = smtpPort;
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
    }

    public int SmtpPort { get; }

    public IReadOnlyDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Portal:Smtp:Host"] = "127.0.0.1",
        ["Portal:Smtp:Port"] = SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Portal:Smtp:Security"] = "None",
        ["Portal:Smtp:From"] = "portal@tests.portal",
    };

    public static async Task<MailServer> StartAsync()
    {
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules")))
            throw new InvalidOperationException("tests/mail-server/node_modules is missing: run ./scripts/test.sh (or npm ci in tests/mail-server).");
        var start = new ProcessStartInfo("node", "server.mjs")
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var match = line is null ? null : ReadyLine().Match(line);
        if (match is not { Success: true })
            throw new InvalidOperationException($"The mail server did not start: {line} {await process.StandardError.ReadToEndAsync()}");
        return new MailServer(process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    public async Task<IReadOnlyList<ReceivedMail>> MessagesAsync() =>
        await http.GetFromJsonAsync<List<ReceivedMail>>("messages") ?? [];

    /// <summary>Waits for the newest e-mail to <paramref name="to"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<ReceivedMail> WaitForAsync(string to, string subject)
    {
        var all = await Poll.UntilAsync(MessagesAsync,
            list => list.Any(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase) && m.Subject.Contains(subject)),
            TimeSpan.FromSeconds(20), $"an e-mail '{subject}' to {to}", list => string.Join("; ", list.Select(m => $"{string.Join(",", m.To)}: {m.Subject}")));
        return all.Last(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase) && m.Subject.Contains(subject));
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited) process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
    }

    [GeneratedRegex(@"^smtp (\d+) http (\d+)$")]
    private static partial Regex ReadyLine();
}

public sealed record ReceivedMail(IReadOnlyList<string> To, string? From, string Subject, string Text)
{
    /// <summary>The first link in the text that contains <paramref name="path"/>.</summary>
    public string LinkTo(string path) =>
        Regex.Matches(Text, @"https?://\S+").Select(m => m.Value).FirstOrDefault(url => url.Contains(path))
        ?? throw new InvalidOperationException($"No link to {path} in: {Text}");
}
