using System.Security.Cryptography;
using System.Text;

namespace Portal.Releases.Starting;

/// <summary>
/// StartPipelineExecution's clientRequestToken for a release (1-128 of [a-zA-Z0-9-]). Derived from the delivery, so
/// whoever starts a release, however often, sends the same token and AWS answers with the same execution.
/// </summary>
public static class ReleaseTokens
{
    private const string RerunMarker = "-r";

    /// <summary>The token of the release a delivery creates for a host environment.</summary>
    public static string ForDelivery(Guid hostEnvironmentId, string deliveryId) =>
        "gl-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{hostEnvironmentId:N}:{deliveryId}")));

    /// <summary>A person's redeploy or roll-back: a new release of its own, so a token of its own.</summary>
    public static string ForRunAgain() => "rd-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The token for running a release's commit again after its execution ended: "&lt;token&gt;-r1", "-r2"...
    /// A new token is needed then, because AWS answers the old one with the old, finished execution.
    /// </summary>
    public static string ForRerun(string token)
    {
        var marker = token.LastIndexOf(RerunMarker, StringComparison.Ordinal);
        if (marker > 0 && int.TryParse(token.AsSpan(marker + RerunMarker.Length), out var run))
            return $"{token[..marker]}{RerunMarker}{run + 1}";
        return token + RerunMarker + "1";
    }
}
