using System.Diagnostics;

namespace Portal.Tests.Support;

/// <summary>The npm test peers (tests/smtp-peer, tests/oidc-provider): installed on first use, stopped by closing stdin.</summary>
public static class NodeProcesses
{
    /// <summary>Runs npm ci in <paramref name="directory"/> unless <paramref name="package"/> is installed there already.</summary>
    public static void EnsureInstalled(string directory, string package)
    {
        if (Directory.Exists(Path.Combine(directory, "node_modules", package))) return;
        using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = directory, RedirectStandardOutput = true })!;
        npm.WaitForExit();
        if (npm.ExitCode != 0) throw new InvalidOperationException($"npm ci in {directory} failed ({npm.ExitCode}).");
    }

    /// <summary>Closes the peer's stdin (it exits on end of input), then kills it if it is still there after 5 s.</summary>
    public static void Stop(Process process)
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000)) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }
}
