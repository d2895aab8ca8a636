using System.Diagnostics;
using Portal.Tests.Support;

namespace Portal.AwsEmulator.Tests.Conformance;

/// <summary>Runs a node script in tests/js-sdk; installs its npm packages (npm ci) first when they are missing.</summary>
public static class NodeScript
{
    public static string Directory { get; } = RepoPaths.Combine("tests", "js-sdk");

    private static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script, TimeSpan timeout, params string[] arguments)
    {
        _ = Installed.Value;
        return await RunProcessAsync("node", [script, .. arguments], timeout);
    }

    private static bool Install()
    {
        // Every client package.json names (a checkout made before one was added installs again).
        var packages = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, "package.json")))!["dependencies"]!.AsObject();
        if (packages.All(p => System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", p.Key))))
            return true;
        var (exitCode, output, errors) = RunProcessAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
        return exitCode == 0 ? true : throw new InvalidOperationException($"npm ci in {Directory} failed:\n{output}\n{errors}");
    }

    private static async Task<(int, string, string)> RunProcessAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}:\n{await output}\n{await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }
}
