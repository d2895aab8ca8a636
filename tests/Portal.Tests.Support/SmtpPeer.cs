using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Portal.Tests.Support;

/// <summary>
/// A real SMTP server (npm smtp-server, tests/smtp-peer) on loopback: the portal sends to it, the tests read what it
/// accepted, and it refuses the next messages on demand. Its npm packages are installed (npm ci) the first time one starts.
/// </summary>
public sealed partial class SmtpPeer : IAsyncDisposable
{
    private static readonly string Directory = RepoPaths.Combine("tests", "smtp-peer");
    private static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Process process;
    private readonly HttpClient http;

    private SmtpPeer(Process process, int smtpPort, int httpPort)
    {
        this.process = process;
        SmtpPort = smtpPort;
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
    }

    public int SmtpPort { get; }

    /// <summary>The portal's mail settings for sending here (plain SMTP on loopback, quick retries).</summary>
    public IReadOnlyDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Portal:Smtp:Host"] = "127.0.0.1",
        ["Portal:Smtp:Port"] = SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Portal:Smtp:Security"] = "None",
        ["Portal:Smtp:From"] = "Portal <portal@portal.example.test>",
        ["Portal:Smtp:RetryDelay"] = "00:00:00.200",
        ["Portal:Smtp:MaxRetryDelay"] = "00:00:01",
    };

    public static async Task<SmtpPeer> StartAsync()
    {
        _ = Installed.Value;
        var start = new ProcessStartInfo("node", "smtp-peer.mjs")
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node smtp-peer.mjs could not be started.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException($"smtp-peer ended: {await process.StandardError.ReadToEndAsync()}");
        var ports = JsonDocument.Parse(line).RootElement;
        return new SmtpPeer(process, ports.GetProperty("smtp").GetInt32(), ports.GetProperty("http").GetInt32());
    }

    /// <summary><see cref="PortalSettings"/> with the portal's public URL, which links in mails start with.</summary>
    public Dictionary<string, string?> Settings(string publicUrl) => new(PortalSettings) { ["Portal:PublicUrl"] = publicUrl };

    public async Task<PeerMailbox> MailboxAsync() => (await http.GetFromJsonAsync<PeerMailbox>("messages", Json))!;

    /// <summary>The mail accepted so far, oldest first.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> MessagesAsync() => (await MailboxAsync()).Messages;

    /// <summary>The next <paramref name="count"/> messages are refused after DATA with <paramref name="code"/>.</summary>
    public async Task RefuseNextAsync(int count, int code = 451) =>
        (await http.PostAsync($"refuse?count={count}&code={code}", null)).EnsureSuccessStatusCode();

    /// <summary>Waits until the mails to <paramref name="recipient"/> satisfy <paramref name="done"/>.</summary>
    public Task<List<ReceivedMail>> WaitForAsync(string recipient, Func<List<ReceivedMail>, bool> done, TimeSpan? timeout = null) =>
        Poll.UntilAsync(async () => (await MailboxAsync()).Messages.Where(m => m.IsTo(recipient)).ToList(),
            done, timeout ?? TimeSpan.FromSeconds(30), $"mail to {recipient}", m => $"{m.Count} messages: {string.Join(" | ", m.Select(x => x.Subject))}");

    /// <summary>Waits for the newest mail to <paramref name="recipient"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<ReceivedMail> WaitForAsync(string recipient, string subject) =>
        (await WaitForAsync(recipient, mails => mails.Any(m => m.HasSubject(subject)))).Last(m => m.HasSubject(subject));

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        NodeProcesses.Stop(process);
        await Task.CompletedTask;
    }

    private static bool Install()
    {
        NodeProcesses.EnsureInstalled(Directory, "smtp-server");
        return true;
    }
}

public sealed record PeerMailbox(int Attempts, List<ReceivedMail> Messages);

/// <summary>A mail the peer accepted: the envelope's addresses and the parsed headers and text.</summary>
public sealed partial record ReceivedMail(string? EnvelopeFrom, List<string> EnvelopeTo, string? From, string? To, string? Subject, string? Text,
    [property: JsonPropertyName("messageId")] string? MessageId)
{
    public bool IsTo(string recipient) => EnvelopeTo.Contains(recipient, StringComparer.OrdinalIgnoreCase);

    public bool HasSubject(string part) => Subject?.Contains(part, StringComparison.Ordinal) == true;

    /// <summary>The first link in the text that contains <paramref name="path"/>.</summary>
    public string LinkTo(string path) =>
        Link().Matches(Text ?? "").Select(m => m.Value).FirstOrDefault(url => url.Contains(path, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"No link to {path} in: {Text}");

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();
}
