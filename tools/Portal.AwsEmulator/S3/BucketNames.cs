using System.Net;
using System.Text.RegularExpressions;

namespace Portal.AwsEmulator.S3;

/// <summary>S3's general purpose bucket naming rules (Amazon S3 User Guide, "General purpose bucket naming rules").</summary>
public static partial class BucketNames
{
    private static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    private static readonly string[] ReservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    public static bool IsValid(string name) =>
        Pattern().IsMatch(name)
        && !name.Contains("..", StringComparison.Ordinal)
        && !IPAddress.TryParse(name, out _)
        && !ReservedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))
        && !ReservedSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex Pattern();
}
