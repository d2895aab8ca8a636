using System.Text.RegularExpressions;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>
/// The RoleARN of CreateStack, UpdateStack, DeleteStack, CreateChangeSet and ContinueUpdateRollback: an IAM role of
/// this account, or refused as CloudFormation refuses it. Once given it is the stack's role for every later operation.
/// </summary>
public static partial class StackRole
{
    /// <summary>The role sent, or null when none was.</summary>
    public static string? Read(QueryInput input, string accountId)
    {
        var arn = input.String("RoleARN");
        if (arn is null) return null;
        if (arn.Length is < 20 or > 2048)
            throw AwsServiceException.Validation(
                $"1 validation error detected: Value '{arn}' at 'roleARN' failed to satisfy constraint: Member must have length {(arn.Length < 20 ? "greater than or equal to 20" : "less than or equal to 2048")}");
        var match = RoleArn().Match(arn);
        if (!match.Success)
            throw AwsServiceException.Validation($"{arn} is not a valid RoleARN");
        if (match.Groups["account"].Value != accountId)
            throw AwsServiceException.Validation($"Role {arn} is invalid or cannot be assumed");
        return arn;
    }

    [GeneratedRegex(@"^arn:aws(-[a-z]+)*:iam::(?<account>\d{12}):role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArn();
}
