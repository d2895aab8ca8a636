using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Net.Sockets;
using System.Text;

namespace Portal.Tests.Support;

/// <summary>
/// The portal as a separate operating-system process (the built Portal.Web.dll), so a test can kill it outright,
/// mid-job, the way a crash or an OOM kill would, and start it again.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private const int SigTerm = 15;

    private readonly Process process;
    private readonly StringBuilder output;

    private PortalProcess(Process process, StringBuilder output, Uri baseUrl)
    {
        this.process = process;
        this.output = output;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>The operating-system process id (for its CPU time and memory in /proc).</summary>
    public int ProcessId => process.Id;

    /// <summary>What the process wrote so far, for failure messages.</summary>
    public string Output { get { lock (output) return output.ToString(); } }

    /// <param name="baseUrl">Where it listens: a free loopback port unless given (the address of the instance it replaces).</param>
    public static async Task<PortalProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string?> settings, Uri? baseUrl = null)
    {
        var dll = PortalDll();
        baseUrl ??= new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", baseUrl.ToString(), "--environment", "Development"])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Portal"] = connectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in PortalHost.NoDns.Concat(settings)) start.Environment[key.Replace(":", "__")] = value;

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var portal = new PortalProcess(process, output, baseUrl);
        await portal.WaitUntilReadyAsync();
        return portal;
    }

    /// <summary>SIGKILL: no graceful shutdown, jobs die mid-step.</summary>
    public void Kill()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as a container runtime or systemd stops a service: the portal shuts down gracefully.</summary>
    public void Terminate()
    {
        if (!process.HasExited && Kill(process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill -TERM {process.Id} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>Waits for the process to exit by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancellation.Token);
        return process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The portal exited ({process.ExitCode}):\n{Output}");
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        Kill();
        throw new TimeoutException($"The portal did not become ready at {BaseUrl}:\n{Output}");
    }

    /// <summary>src/Portal.Web's own build output, of the configuration the tests were built in.</summary>
    private static string PortalDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = RepoPaths.Combine("src", "Portal.Web", "bin", configuration, "net10.0", "Portal.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first: {dll} is missing.", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
