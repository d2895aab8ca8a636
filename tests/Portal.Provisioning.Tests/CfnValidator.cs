using System.Diagnostics;

namespace Portal.Provisioning.Tests;

/// <summary>Runs tests/cfn-validate/validate.mjs (node); installs its npm packages first when they are missing.</summary>
public static class CfnValidator
{
    private static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public static (int ExitCode, string Output) Validate(params string[] templateFiles)
    {
        _ = Installed.Value;
        return Run("node", Repository.Validator, ["validate.mjs", .. templateFiles]);
    }

    private static bool Install()
    {
        if (Directory.Exists(Path.Combine(Repository.Validator, "node_modules", "@aws-cdk", "aws-service-spec")))
            return true;
        var (exitCode, output) = Run("npm", Repository.Validator, ["ci", "--no-audit", "--no-fund"]);
        return exitCode == 0 ? true : throw new InvalidOperationException($"npm ci in {Repository.Validator} failed:\n{output}");
    }

    private static (int ExitCode, string Output) Run(string program, string workingDirectory, string[] arguments)
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
