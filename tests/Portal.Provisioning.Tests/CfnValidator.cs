namespace Portal.Provisioning.Tests;

/// <summary>Runs tests/cfn-validate/validate.mjs, which checks templates against AWS's CloudFormation resource specification.</summary>
public static class CfnValidator
{
    private static readonly NodeTool Tool = new(Repository.Validator, Path.Combine("@aws-cdk", "aws-service-spec"));

    public static (int ExitCode, string Output) Validate(params string[] templateFiles) => Tool.Run("validate.mjs", templateFiles);
}
