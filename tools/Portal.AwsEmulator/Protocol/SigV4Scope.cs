using System.Text.RegularExpressions;

namespace Portal.AwsEmulator.Protocol;

/// <summary>
/// The credential scope of a SigV4 Authorization header (access key, date, region, service). The emulator does not
/// verify signatures; it takes the region from here, as AWS routes by endpoint.
/// </summary>
public sealed partial record SigV4Scope(string AccessKeyId, string Date, string Region, string Service)
{
    public static SigV4Scope? Parse(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization)) return null;
        var match = CredentialPattern().Match(authorization);
        return match.Success
            ? new SigV4Scope(match.Groups["key"].Value, match.Groups["date"].Value, match.Groups["region"].Value, match.Groups["service"].Value)
            : null;
    }

    /// <summary>The scope of a presigned URL (X-Amz-Credential=AKID/date/region/service/aws4_request), or null.</summary>
    public static SigV4Scope? FromQuery(IQueryCollection query)
    {
        if (query["X-Amz-Algorithm"].ToString() != "AWS4-HMAC-SHA256") return null;
        var parts = query["X-Amz-Credential"].ToString().Split('/');
        return parts.Length == 5 && parts[4] == "aws4_request" && parts[1].Length == 8 ? new SigV4Scope(parts[0], parts[1], parts[2], parts[3]) : null;
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256\s+.*Credential=(?<key>[^/,\s]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9-]+)/aws4_request")]
    private static partial Regex CredentialPattern();
}
