using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Tests.Support;

/// <summary>
/// A real SMTP server (npm smtp-server, tests/smtp-peer) on loopback: it keeps what it accepted and refuses the next
/// messages on demand. Its npm packages are installed (npm ci) the first time one starts.
/// </summary>
public sealed class SmtpPeer : IAsyncDisposable
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

    /// <summary>The portal's settings for sending here (plain SMTP on loopback, quick retries).</summary>
    public Dictionary<string, string?> Settings(string publicUrl) => new()
    {
        ["Portal:PublicUrl"] = publicUrl,
        ["Portal:Smtp:Host"] = "127.0.0.1",
        ["Portal:Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Portal:Smtp:Security"] = "None",
        ["Portal:Smtp:From"] = "Portal <portal@portal.example.test>",
        ["Portal:Smtp:RetryDelay"] = "00:00:00.200",
        ["Portal:Smtp:MaxRetryDelay"] = "00:00:01",
    };

    public async Task<PeerMailbox> MailboxAsync() => (await http.GetFromJsonAsync<PeerMailbox>("messages", Json))!;

    /// <summary>The next <paramref name="count"/> messages are refused after DATA with <paramref name="code"/>.</summary>
    public async Task RefuseNextAsync(int count, int code = 451) =>
        (await http.PostAsync($"refuse?count={count}&code={code}", null)).EnsureSuccessStatusCode();

    /// <summary>Waits until the mails to <paramref name="recipient"/> satisfy <paramref name="done"/>.</summary>
    public Task<List<PeerMessage>> WaitForAsync(string recipient, Func<List<PeerMessage>, bool> done, TimeSpan? timeout = null) =>
        Poll.UntilAsync(async () => (await MailboxAsync()).Messages.Where(m => m.EnvelopeTo.Contains(recipient, StringComparer.OrdinalIgnoreCase)).ToList(),
            done, timeout ?? TimeSpan.FromSeconds(30), $"mail to {recipient}", m => $"{m.Count} messages: {string.Join(" | ", m.Select(x => x.Subject))}");

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

public sealed record PeerMailbox(int Attempts, List<PeerMessage> Messages);

public sealed record PeerMessage(string? EnvelopeFrom, List<string> EnvelopeTo, string? From, string? To, string? Subject, string? Text,
    [property: JsonPropertyName("messageId")] string? MessageId);
