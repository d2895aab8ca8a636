namespace Portal.AwsEmulator.S3;

public sealed class BucketRecord
{
    public string Name { get; set; } = "";
    public string Region { get; set; } = "";
    public DateTimeOffset Created { get; set; }

    /// <summary>Null while versioning was never enabled ("unversioned"), then Enabled or Suspended.</summary>
    public string? Versioning { get; set; }

    /// <summary>Key → its versions and delete markers, newest first.</summary>
    public SortedDictionary<string, List<ObjectVersionRecord>> Objects { get; set; } = new(StringComparer.Ordinal);
}

public sealed class ObjectVersionRecord
{
    /// <summary>"null" for the version written while the bucket was unversioned or suspended.</summary>
    public string VersionId { get; set; } = VersionIds.Null;
    public bool IsDeleteMarker { get; set; }
    public DateTimeOffset LastModified { get; set; }
    public string ETag { get; set; } = "";
    public long Size { get; set; }
    public string ContentType { get; set; } = "binary/octet-stream";
    public string? ContentEncoding { get; set; }
    public string? ContentDisposition { get; set; }
    public string? ContentLanguage { get; set; }
    public string? CacheControl { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
    public string? ChecksumAlgorithm { get; set; }
    public string? ChecksumValue { get; set; }

    /// <summary>File name of the body in the store's object directory; null for a delete marker.</summary>
    public string? BodyFile { get; set; }

    public ObjectVersionRecord Clone()
    {
        var copy = (ObjectVersionRecord)MemberwiseClone();
        copy.Metadata = new Dictionary<string, string>(Metadata);
        return copy;
    }
}

/// <summary>What a PUT gives an object besides its body.</summary>
public sealed record ObjectAttributes(
    string ContentType, string? ContentEncoding, string? ContentDisposition, string? ContentLanguage, string? CacheControl,
    IReadOnlyDictionary<string, string> Metadata);

public static class VersioningStates
{
    public const string Enabled = "Enabled";
    public const string Suspended = "Suspended";
}

public static partial class VersionIds
{
    public const string Null = "null";

    /// <summary>S3 version ids are 32 URL-safe characters.</summary>
    public static string New() => State.Ids.Mixed(32);

    public static bool IsWellFormed(string versionId) => versionId == Null || Pattern().IsMatch(versionId);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{32}$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}

public sealed class S3Data
{
    public List<BucketRecord> Buckets { get; set; } = [];
}
