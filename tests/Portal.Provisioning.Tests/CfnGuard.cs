namespace Portal.Provisioning.Tests;

/// <summary>
/// Runs tests/cfn-guard/guard.mjs: AWS's cfn-guard binary with every AWS Control Tower proactive-control rule, less the
/// reviewed exceptions in tests/cfn-guard/exceptions.json.
/// </summary>
public static class CfnGuard
{
    private static readonly NodeTool Tool = new(Repository.Guard, Path.Combine("@cdklabs", "cdk-validator-cfnguard"));

    public static string Exceptions => Path.Combine(Repository.Guard, "exceptions.json");

    public static (int ExitCode, string Output) Validate(string exceptionsFile, params string[] templatesOrDirectories) =>
        Tool.Run("guard.mjs", ["--exceptions", exceptionsFile, .. templatesOrDirectories]);
}
