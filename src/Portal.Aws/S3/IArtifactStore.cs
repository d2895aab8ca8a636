namespace Portal.Aws.S3;

/// <summary>
/// The S3 operations the portal uses on the platform's (versioned) artifact bucket, through the official AWSSDK.S3:
/// putting the sources pipelines build, and reading what a pipeline produced (the AMI manifest).
/// </summary>
public interface IArtifactStore
{
    /// <summary>
    /// Puts the file at the key unless an object is there already (PutObject with If-None-Match "*"): the same upload
    /// again after a crash or a retry makes no second version. Either way answers the version now at the key.
    /// </summary>
    Task<StoredObject> PutOnceAsync(ArtifactUpload upload, CancellationToken cancellationToken = default);

    /// <summary>Puts a new version of the key (unconditionally).</summary>
    Task<StoredObject> PutAsync(ArtifactUpload upload, CancellationToken cancellationToken = default);

    /// <summary>The current version of the key and its user metadata; null when there is none.</summary>
    Task<ObjectHead?> HeadAsync(string bucket, string key, CancellationToken cancellationToken = default);

    /// <summary>Reads one version (the current one when null) as a stream, which <paramref name="read"/> must not keep.</summary>
    Task<T> ReadAsync<T>(string bucket, string key, string? versionId, Func<Stream, Task<T>> read, CancellationToken cancellationToken = default);
}

/// <summary>A file to put at bucket/key, with its content type and user metadata (x-amz-meta-*).</summary>
public sealed record ArtifactUpload(string Bucket, string Key, string FilePath, string ContentType)
{
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>The version at a key. <see cref="Existed"/>: it was there before (a conditional put found it and wrote nothing).</summary>
public sealed record StoredObject(string Bucket, string Key, string VersionId, bool Existed);

public sealed record ObjectHead(string VersionId, long Size, IReadOnlyDictionary<string, string> Metadata);
