namespace Portal.AwsEmulator.State;

/// <summary>Pieces of ARNs shared by every service.</summary>
public static class Arns
{
    public static string Partition(string region) => region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov" : "aws";

    /// <summary>The region field of an ARN (arn:partition:service:region:account:resource), or null.</summary>
    public static string? Region(string arn)
    {
        var parts = arn.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" ? parts[3] : null;
    }
}
