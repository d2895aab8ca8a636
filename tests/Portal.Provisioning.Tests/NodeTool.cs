using System.Diagnostics;

namespace Portal.Provisioning.Tests;

/// <summary>
/// A node script in a folder of tests/ with its own package.json; its npm packages are installed (npm ci) the first time
/// the tool runs when <paramref name="installedPackage"/> is missing from node_modules.
/// </summary>
public sealed class NodeTool(string directory, string installedPackage)
{
    private readonly Lazy<bool> _installed = new(() => Install(directory, installedPackage), LazyThreadSafetyMode.ExecutionAndPublication);

    public string Directory { get; } = directory;

    public (int ExitCode, string Output) Run(string script, params string[] arguments)
    {
        _ = _installed.Value;
        return Execute("node", Directory, [script, .. arguments]);
    }

    private static bool Install(string directory, string package)
    {
        if (System.IO.Directory.Exists(Path.Combine(directory, "node_modules", package)))
            return true;
        var (exitCode, output) = Execute("npm", directory, ["ci", "--no-audit", "--no-fund"]);
        return exitCode == 0 ? true : throw new InvalidOperationException($"npm ci in {directory} failed:\n{output}");
    }

    private static (int ExitCode, string Output) Execute(string program, string workingDirectory, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
