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

    [GeneratedRegex(@"^AWS4-HMAC-SHA256\s+.*Credential=(?<key>[^/,\s]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9-]+)/aws4_request")]
    private static partial Regex CredentialPattern();
}
