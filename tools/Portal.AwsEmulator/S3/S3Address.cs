using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Portal.AwsEmulator.S3;

/// <summary>
/// The bucket and key a request names, path-style (http://host/bucket/key) or virtual-hosted-style
/// (http://bucket.host/key, where host is one of the S3 host names the emulator answers for, e.g. "localhost",
/// "s3.localhost", "s3.amazonaws.com" or "s3.eu-west-1.amazonaws.com"). Keys are taken from the raw request target
/// and percent-decoded once, so "%2F", "+" and spaces mean what S3 takes them to mean.
/// </summary>
public sealed partial record S3Address(string? Bucket, string? Key, bool VirtualHosted)
{
    public static S3Address Of(HttpRequest request, IReadOnlyList<string> hostSuffixes)
    {
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var query = rawTarget.IndexOf('?');
        var path = query < 0 ? rawTarget : rawTarget[..query];
        // An absolute-form target (a request through a proxy); on Unix "/x" would parse as a file URI, so only http(s).
        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            path = new Uri(path).AbsolutePath;
        path = path.TrimStart('/');

        if (VirtualHostBucket(request.Host.Host, hostSuffixes) is { } bucket)
            return new S3Address(bucket, path.Length == 0 ? null : Decode(path), VirtualHosted: true);
        if (path.Length == 0) return new S3Address(null, null, false);
        var slash = path.IndexOf('/');
        if (slash < 0) return new S3Address(Decode(path), null, false);
        var key = path[(slash + 1)..];
        return new S3Address(Decode(path[..slash]), key.Length == 0 ? null : Decode(key), false);
    }

    /// <summary>True when the host names a bucket in front of an S3 host name (the request is S3's whatever it carries).</summary>
    public static bool IsVirtualHosted(HttpRequest request, IReadOnlyList<string> hostSuffixes) => VirtualHostBucket(request.Host.Host, hostSuffixes) is not null;

    private static string? VirtualHostBucket(string host, IReadOnlyList<string> hostSuffixes)
    {
        if (host.Length == 0 || IPAddress.TryParse(host, out _)) return null;
        host = host.ToLowerInvariant();
        foreach (var suffix in hostSuffixes.OrderByDescending(s => s.Length))
            if (host.EndsWith("." + suffix, StringComparison.Ordinal) && host.Length > suffix.Length + 1)
                return host[..^(suffix.Length + 1)];
        var regional = RegionalHost().Match(host);
        return regional.Success ? regional.Groups["bucket"].Value : null;
    }

    private static string Decode(string value)
    {
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<bucket>[a-z0-9][a-z0-9.-]*)\.s3[.-](dualstack\.)?[a-z0-9-]+\.amazonaws\.com$")]
    private static partial System.Text.RegularExpressions.Regex RegionalHost();
}
