using System.Globalization;
using System.Text;
using System.Xml.Linq;
using static Portal.AwsEmulator.S3.S3Xml;

namespace Portal.AwsEmulator.S3;

/// <summary>
/// ListObjectsV2 and ListObjectVersions: keys in UTF-8 binary order, grouped under CommonPrefixes by the delimiter
/// (a prefix counts as one key towards max-keys), pages continued by an opaque continuation token or by the
/// key and version-id markers.
/// </summary>
public sealed class S3ListingHandlers
{
    public Task ListObjectsV2Async(S3Call call)
    {
        var (prefix, delimiter, maxKeys, urlEncoding) = CommonParameters(call);
        var token = call.Query("continuation-token");
        var startAfter = call.Query("start-after");
        var resume = token is null ? null : ContinuationToken.Decode(token) ?? throw S3Errors.InvalidArgument(
            "The continuation token provided is incorrect", "continuation-token", token);
        var after = resume?.Marker ?? startAfter;
        var fetchOwner = call.Query("fetch-owner") == "true";

        var current = call.Store.List(call.Bucket, prefix)
            .Select(o => (o.Key, Latest: o.Versions[0]))
            .Where(o => !o.Latest.IsDeleteMarker && (after is null || string.CompareOrdinal(o.Key, after) > 0)
                && !(resume is { IsPrefix: true } && o.Key.StartsWith(resume.Marker, StringComparison.Ordinal)));
        var contents = new List<XElement>();
        var prefixes = new List<string>();
        string? last = null;
        var lastIsPrefix = false;
        var truncated = false;
        foreach (var (key, latest) in current)
        {
            var commonPrefix = CommonPrefix(key, prefix, delimiter);
            if (commonPrefix is not null && prefixes.Count > 0 && prefixes[^1] == commonPrefix) continue;
            if (contents.Count + prefixes.Count == maxKeys)
            {
                truncated = true;
                break;
            }
            if (commonPrefix is not null) prefixes.Add(commonPrefix);
            else contents.Add(Element("Contents",
                Element("Key", Encode(key, urlEncoding)), Element("LastModified", Time(latest.LastModified)), Element("ETag", latest.ETag),
                Checksum(latest), Element("Size", latest.Size), Element("StorageClass", "STANDARD"),
                fetchOwner ? Element("Owner", Element("ID", S3BucketHandlers.OwnerId)) : null));
            (last, lastIsPrefix) = (commonPrefix ?? key, commonPrefix is not null);
        }
        return WriteAsync(call.Response, Element("ListBucketResult",
            Element("Name", call.Bucket), Element("Prefix", Encode(prefix, urlEncoding)), Optional("Delimiter", delimiter is null ? null : Encode(delimiter, urlEncoding)),
            Element("MaxKeys", maxKeys), urlEncoding ? Element("EncodingType", "url") : null, Element("KeyCount", contents.Count + prefixes.Count),
            Element("IsTruncated", Bool(truncated)), Optional("ContinuationToken", token),
            truncated ? Element("NextContinuationToken", ContinuationToken.Encode(last!, lastIsPrefix)) : null,
            Optional("StartAfter", startAfter is null ? null : Encode(startAfter, urlEncoding)),
            contents, prefixes.Select(p => Element("CommonPrefixes", Element("Prefix", Encode(p, urlEncoding))))));
    }

    public Task ListObjectVersionsAsync(S3Call call)
    {
        var (prefix, delimiter, maxKeys, urlEncoding) = CommonParameters(call);
        var keyMarker = call.Query("key-marker") is { Length: > 0 } km ? km : null;
        var versionIdMarker = call.Query("version-id-marker") is { Length: > 0 } vm ? vm : null;
        if (versionIdMarker is not null && keyMarker is null)
            throw S3Errors.InvalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", versionIdMarker);
        if (versionIdMarker is not null && !VersionIds.IsWellFormed(versionIdMarker)) throw S3Errors.InvalidVersionId(versionIdMarker);

        var entries = new List<XElement>();
        var prefixes = new List<string>();
        (string Key, string? VersionId)? last = null;
        var truncated = false;
        var count = 0;
        foreach (var (key, versions) in call.Store.List(call.Bucket, prefix))
        {
            var order = keyMarker is null ? 1 : string.CompareOrdinal(key, keyMarker);
            if (order < 0 || order == 0 && versionIdMarker is null) continue;
            var commonPrefix = CommonPrefix(key, prefix, delimiter);
            if (commonPrefix is not null)
            {
                if (prefixes.Count > 0 && prefixes[^1] == commonPrefix || commonPrefix == keyMarker) continue;
                if (count == maxKeys) { truncated = true; break; }
                prefixes.Add(commonPrefix);
                count++;
                last = (commonPrefix, null);
                continue;
            }
            var remaining = order == 0 ? versions.SkipWhile(v => v.VersionId != versionIdMarker).Skip(1) : versions;
            foreach (var version in remaining)
            {
                if (count == maxKeys) { truncated = true; break; }
                entries.Add(VersionEntry(key, version, version == versions[0], urlEncoding));
                count++;
                last = (key, version.VersionId);
            }
            if (truncated) break;
        }
        return WriteAsync(call.Response, Element("ListVersionsResult",
            Element("Name", call.Bucket), Element("Prefix", Encode(prefix, urlEncoding)),
            Element("KeyMarker", keyMarker is null ? "" : Encode(keyMarker, urlEncoding)), Element("VersionIdMarker", versionIdMarker ?? ""),
            truncated ? Element("NextKeyMarker", Encode(last!.Value.Key, urlEncoding)) : null,
            truncated && last!.Value.VersionId is { } nextVersion ? Element("NextVersionIdMarker", nextVersion) : null,
            Element("MaxKeys", maxKeys), Optional("Delimiter", delimiter is null ? null : Encode(delimiter, urlEncoding)),
            urlEncoding ? Element("EncodingType", "url") : null, Element("IsTruncated", Bool(truncated)),
            entries, prefixes.Select(p => Element("CommonPrefixes", Element("Prefix", Encode(p, urlEncoding))))));
    }

    private static XElement VersionEntry(string key, ObjectVersionRecord version, bool isLatest, bool urlEncoding) => version.IsDeleteMarker
        ? Element("DeleteMarker", Element("Key", Encode(key, urlEncoding)), Element("VersionId", version.VersionId), Element("IsLatest", Bool(isLatest)),
            Element("LastModified", Time(version.LastModified)), Element("Owner", Element("ID", S3BucketHandlers.OwnerId)))
        : Element("Version", Element("Key", Encode(key, urlEncoding)), Element("VersionId", version.VersionId), Element("IsLatest", Bool(isLatest)),
            Element("LastModified", Time(version.LastModified)), Element("ETag", version.ETag), Checksum(version), Element("Size", version.Size),
            Element("StorageClass", "STANDARD"), Element("Owner", Element("ID", S3BucketHandlers.OwnerId)));

    private static object?[] Checksum(ObjectVersionRecord version) => version.ChecksumAlgorithm is null
        ? []
        : [Element("ChecksumAlgorithm", version.ChecksumAlgorithm), Element("ChecksumType", "FULL_OBJECT")];

    private static (string Prefix, string? Delimiter, int MaxKeys, bool UrlEncoding) CommonParameters(S3Call call)
    {
        var maxKeysText = call.Query("max-keys");
        var maxKeys = S3Limits.MaxKeys;
        if (maxKeysText is not null)
        {
            if (!int.TryParse(maxKeysText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out maxKeys))
                throw S3Errors.InvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", maxKeysText);
            if (maxKeys < 0) throw S3Errors.InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "max-keys", maxKeysText);
            maxKeys = Math.Min(maxKeys, S3Limits.MaxKeys);
        }
        var encoding = call.Query("encoding-type");
        if (encoding is not (null or "url")) throw S3Errors.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding);
        return (call.Query("prefix") ?? "", call.Query("delimiter") is { Length: > 0 } d ? d : null, maxKeys, encoding == "url");
    }

    private static string? CommonPrefix(string key, string prefix, string? delimiter)
    {
        if (delimiter is null) return null;
        var at = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return at < 0 ? null : key[..(at + delimiter.Length)];
    }

    /// <summary>Where a ListObjectsV2 page ended: the last key or common prefix it listed.</summary>
    private sealed record ContinuationToken(string Marker, bool IsPrefix)
    {
        private const string Version = "v2";

        public static string Encode(string marker, bool isPrefix) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Version}\n{(isPrefix ? 'p' : 'k')}\n{marker}"));

        public static ContinuationToken? Decode(string token)
        {
            try
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n', 3);
                return parts.Length == 3 && parts[0] == Version && parts[1] is "p" or "k" ? new ContinuationToken(parts[2], parts[1] == "p") : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
