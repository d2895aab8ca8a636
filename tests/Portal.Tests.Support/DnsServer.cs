using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Tests.Support;

/// <summary>
/// A real DNS server (npm dns2, tests/dns-server) on loopback UDP: it answers the records the tests give it, following a
/// CNAME as a resolver does, and NXDOMAIN for any other name. Its npm package is installed (npm ci) the first time one starts.
/// </summary>
public sealed class DnsServer : IAsyncDisposable
{
    private static readonly string Directory = RepoPaths.Combine("tests", "dns-server");
    private static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Process process;
    private readonly HttpClient http;

    private DnsServer(Process process, int dnsPort, int httpPort)
    {
        this.process = process;
        EndPoint = new IPEndPoint(IPAddress.Loopback, dnsPort);
        http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The portal's settings for asking this server.</summary>
    public IReadOnlyDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Dns:NameServers:0"] = EndPoint.ToString(),
    };

    public static async Task<DnsServer> StartAsync()
    {
        _ = Installed.Value;
        var start = new ProcessStartInfo("node", "dns-server.mjs")
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node dns-server.mjs could not be started.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException($"dns-server ended: {await process.StandardError.ReadToEndAsync()}");
        var ports = JsonDocument.Parse(line).RootElement;
        return new DnsServer(process, ports.GetProperty("dns").GetInt32(), ports.GetProperty("http").GetInt32());
    }

    /// <summary><paramref name="name"/> answers a CNAME to <paramref name="target"/> from now on.</summary>
    public Task CnameAsync(string name, string target) => SetAsync(name, new DnsTestRecord("CNAME", target));

    /// <summary><paramref name="name"/> answers these A and AAAA records (the address family decides the type).</summary>
    public Task AddressesAsync(string name, params string[] addresses) =>
        SetAsync(name, [.. addresses.Select(a => new DnsTestRecord(IPAddress.Parse(a).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "AAAA" : "A", a))]);

    /// <summary>Replaces every record of <paramref name="name"/>.</summary>
    public async Task SetAsync(string name, params DnsTestRecord[] records) =>
        (await http.PutAsJsonAsync($"records/{Uri.EscapeDataString(name)}", records)).EnsureSuccessStatusCode();

    /// <summary><paramref name="name"/> answers NXDOMAIN again.</summary>
    public async Task RemoveAsync(string name) =>
        (await http.DeleteAsync($"records/{Uri.EscapeDataString(name)}")).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        NodeProcesses.Stop(process);
        await Task.CompletedTask;
    }

    private static bool Install()
    {
        NodeProcesses.EnsureInstalled(Directory, "dns2");
        return true;
    }
}

/// <summary>One record the test DNS server answers: its type (A, AAAA or CNAME) and value.</summary>
public sealed record DnsTestRecord(string Type, string Value);
