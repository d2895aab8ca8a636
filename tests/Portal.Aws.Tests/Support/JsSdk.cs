using System.Diagnostics;
using System.Text.Json.Nodes;
using Portal.Tests.Support;

namespace Portal.Aws.Tests.Support;

/// <summary>Runs a script of tests/js-sdk (the official AWS SDK for JavaScript v3, installed by scripts/test.sh with npm ci).</summary>
public static class JsSdk
{
    public static readonly string Directory = RepoPaths.Combine("tests", "js-sdk");

    /// <summary>Runs node with the arguments in tests/js-sdk; returns standard output, fails with standard error on a non-zero exit.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@aws-sdk")))
            throw new InvalidOperationException("tests/js-sdk/node_modules is missing: run ./scripts/test.sh (or npm ci in tests/js-sdk).");
        var start = new ProcessStartInfo("node") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["NODE_NO_WARNINGS"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"node {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await error}");
        return await output;
    }

    /// <summary>Sends each case with the JS SDK to the endpoint (capture-requests.mjs); returns the per-case results.</summary>
    public static async Task<JsonArray> SendAsync(Uri endpoint, JsonArray cases)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, cases.ToJsonString());
            var output = await RunAsync("capture-requests.mjs", endpoint.ToString().TrimEnd('/'), file);
            return JsonNode.Parse(output)!.AsArray();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
