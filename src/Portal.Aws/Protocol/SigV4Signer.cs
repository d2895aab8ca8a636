using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Aws.Protocol;

/// <summary>Access key, secret and (for temporary credentials) session token, as AWSSDK.Core resolved them.</summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    /// <summary>Never print the secret: records print every property by default.</summary>
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}

/// <summary>
/// What SigV4 signs: the method, the (unencoded) path, the raw query string as sent, the headers in the order they
/// are sent (a name may repeat), and the hex SHA-256 of the payload.
/// </summary>
public sealed record SigV4Request(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, string PayloadHash);

public sealed record SigV4Signature(string CanonicalRequest, string StringToSign, string SignedHeaders, string Signature, string Authorization);

/// <summary>
/// AWS Signature Version 4 (header signing) as specified in AWS's "Create a signed AWS API request" and checked against
/// AWS's published signature test suite (tests/Portal.Aws.Tests/sigv4-vectors).
/// </summary>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static SigV4Signature Sign(SigV4Request request, AwsCredentials credentials, string region, string service, DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";

        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(request.Headers);
        var canonicalRequest = string.Join('\n',
            request.Method.ToUpperInvariant(),
            CanonicalPath(request.Path),
            CanonicalQuery(request.Query),
            canonicalHeaders,
            signedHeaders,
            request.PayloadHash);
        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, HexSha256(canonicalRequest));

        var key = SigningKey(credentials, date, region, service);
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));
        var authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Signature(canonicalRequest, stringToSign, signedHeaders, signature, authorization);
    }

    public static string FormatAmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string HexSha256(string text) => HexSha256(Encoding.UTF8.GetBytes(text));

    public static string HexSha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>RFC 3986 encoding: every byte of the UTF-8 form except the unreserved characters becomes %XX (upper case).</summary>
    public static string UriEncode(string value, bool keepSlash = false)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
                builder.Append(c);
            else
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    private static string CanonicalPath(string path) =>
        string.IsNullOrEmpty(path) ? "/" : UriEncode(path, keepSlash: true);

    /// <summary>Each name and value decoded then RFC 3986 encoded, sorted by name then value (ordinal).</summary>
    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query)) return "";
        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(part =>
            {
                var equals = part.IndexOf('=');
                var name = equals < 0 ? part : part[..equals];
                var value = equals < 0 ? "" : part[(equals + 1)..];
                return (Name: UriEncode(Uri.UnescapeDataString(name)), Value: UriEncode(Uri.UnescapeDataString(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>Names lower-cased and sorted; values trimmed with inner runs of spaces collapsed; repeated names joined by commas in order.</summary>
    private static (string Canonical, string Signed) CanonicalHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var grouped = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!grouped.TryGetValue(key, out var values)) grouped[key] = values = [];
            values.Add(CollapseSpaces(value));
        }
        var canonical = new StringBuilder();
        foreach (var (name, values) in grouped)
            canonical.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        return (canonical.ToString(), string.Join(';', grouped.Keys));
    }

    private static string CollapseSpaces(string value)
    {
        var trimmed = value.Trim();
        var builder = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            var space = c is ' ' or '\t';
            if (space && previousSpace) continue;
            builder.Append(space ? ' ' : c);
            previousSpace = space;
        }
        return builder.ToString();
    }

    /// <summary>Derived signing keys change once a day per region and service; deriving one costs four HMACs, so they are kept.</summary>
    private static readonly ConcurrentDictionary<(string AccessKeyId, string Date, string Region, string Service), (string Secret, byte[] Key)> SigningKeys = new();

    private static byte[] SigningKey(AwsCredentials credentials, string date, string region, string service)
    {
        var cacheKey = (credentials.AccessKeyId, date, region, service);
        if (SigningKeys.TryGetValue(cacheKey, out var cached) && cached.Secret == credentials.SecretAccessKey) return cached.Key;
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        if (SigningKeys.Count > 64) SigningKeys.Clear();
        SigningKeys[cacheKey] = (credentials.SecretAccessKey, key);
        return key;
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
