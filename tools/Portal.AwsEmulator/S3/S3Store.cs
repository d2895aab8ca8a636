using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.S3;

/// <summary>What a DeleteObject did: the version it removed or the delete marker it wrote.</summary>
public sealed record DeletedObject(string? VersionId, bool DeleteMarker);

/// <summary>An object version to read: its metadata and its body, opened (null for a zero-length body).</summary>
public sealed record OpenedObject(ObjectVersionRecord Version, FileStream? Body) : IDisposable
{
    public void Dispose() => Body?.Dispose();
}

/// <summary>
/// The account's buckets (one namespace across regions, as in S3) and their object versions, under one lock. Bodies
/// live in files in <see cref="Directory"/>, never in memory; metadata is saved with the rest of the state.
/// </summary>
public sealed class S3Store
{
    private readonly Lock gate = new();
    private S3Data data = new();

    public S3Store(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    // ---------- buckets ----------

    /// <summary>Creates the bucket; false when it existed already (and is left as it was).</summary>
    public bool CreateBucket(string name, string region, string? versioning = null)
    {
        lock (gate)
        {
            if (data.Buckets.Any(b => b.Name == name)) return false;
            data.Buckets.Add(new BucketRecord { Name = name, Region = region, Created = Now(), Versioning = versioning });
            return true;
        }
    }

    public BucketRecord? FindBucket(string name)
    {
        lock (gate) return data.Buckets.FirstOrDefault(b => b.Name == name) is { } bucket ? Summary(bucket) : null;
    }

    public IReadOnlyList<BucketRecord> Buckets()
    {
        lock (gate) return data.Buckets.OrderBy(b => b.Name, StringComparer.Ordinal).Select(Summary).ToList();
    }

    public void DeleteBucket(string name)
    {
        lock (gate)
        {
            var bucket = Bucket(name);
            if (bucket.Objects.Count > 0) throw S3Errors.BucketNotEmpty(name);
            data.Buckets.Remove(bucket);
        }
    }

    public void SetVersioning(string name, string status)
    {
        lock (gate) Bucket(name).Versioning = status;
    }

    // ---------- objects ----------

    /// <summary>A file to stream an upload into; <see cref="Commit"/> makes it an object version, or the caller deletes it.</summary>
    public string StagingPath() => Path.Combine(Directory, "incoming-" + Guid.NewGuid().ToString("N"));

    /// <param name="precondition">A conditional write's check of the current version (null: none); its error refuses the write.</param>
    public ObjectVersionRecord Commit(string bucketName, string key, string stagedFile, ReceivedPayload payload, ObjectAttributes attributes,
        Func<ObjectVersionRecord?, S3Error?>? precondition = null)
    {
        var replaced = new List<string>();
        ObjectVersionRecord version;
        lock (gate)
        {
            var bucket = Bucket(bucketName);
            var current = bucket.Objects.GetValueOrDefault(key)?.FirstOrDefault() is { IsDeleteMarker: false } latest ? latest : null;
            if (precondition?.Invoke(current) is { } refused) throw refused;
            version = new ObjectVersionRecord
            {
                VersionId = bucket.Versioning == VersioningStates.Enabled ? VersionIds.New() : VersionIds.Null,
                LastModified = Now(),
                ETag = $"\"{payload.Md5Hex}\"",
                Size = payload.Size,
                ContentType = attributes.ContentType,
                ContentEncoding = attributes.ContentEncoding,
                ContentDisposition = attributes.ContentDisposition,
                ContentLanguage = attributes.ContentLanguage,
                CacheControl = attributes.CacheControl,
                Metadata = new Dictionary<string, string>(attributes.Metadata),
                ChecksumAlgorithm = payload.ChecksumAlgorithm,
                ChecksumValue = payload.ChecksumValue,
                BodyFile = Guid.NewGuid().ToString("N"),
            };
            File.Move(stagedFile, BodyPath(version.BodyFile));
            Insert(bucket, key, version, replaced);
        }
        DeleteFiles(replaced);
        return Copy(version);
    }

    /// <summary>The version asked for (the latest without a version id), opened for reading; S3's errors otherwise.</summary>
    public OpenedObject Open(string bucketName, string key, string? versionId, string method)
    {
        lock (gate)
        {
            var version = Find(Bucket(bucketName), key, versionId, method);
            var body = version.Size == 0 ? null : new FileStream(BodyPath(version.BodyFile!), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return new OpenedObject(Copy(version), body);
        }
    }

    public ObjectVersionRecord Head(string bucketName, string key, string? versionId)
    {
        lock (gate) return Copy(Find(Bucket(bucketName), key, versionId, "HEAD"));
    }

    public DeletedObject Delete(string bucketName, string key, string? versionId)
    {
        var removed = new List<string>();
        DeletedObject result;
        lock (gate)
        {
            var bucket = Bucket(bucketName);
            var versions = bucket.Objects.GetValueOrDefault(key) ?? [];
            if (versionId is not null)
            {
                if (!VersionIds.IsWellFormed(versionId)) throw S3Errors.InvalidVersionId(versionId);
                var target = versions.FirstOrDefault(v => v.VersionId == versionId);
                if (target is null) return new DeletedObject(null, false);
                Remove(bucket, key, target, removed);
                result = new DeletedObject(versionId, target.IsDeleteMarker);
            }
            else if (bucket.Versioning is null)
            {
                if (versions.FirstOrDefault(v => v.VersionId == VersionIds.Null) is { } only) Remove(bucket, key, only, removed);
                result = new DeletedObject(null, false);
            }
            else
            {
                var marker = new ObjectVersionRecord
                {
                    VersionId = bucket.Versioning == VersioningStates.Enabled ? VersionIds.New() : VersionIds.Null,
                    IsDeleteMarker = true,
                    LastModified = Now(),
                };
                Insert(bucket, key, marker, removed);
                result = new DeletedObject(marker.VersionId, true);
            }
        }
        DeleteFiles(removed);
        return result;
    }

    /// <summary>The keys starting with <paramref name="prefix"/> and their versions (newest first), in key order.</summary>
    public IReadOnlyList<(string Key, IReadOnlyList<ObjectVersionRecord> Versions)> List(string bucketName, string prefix)
    {
        lock (gate)
            return Bucket(bucketName).Objects
                .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(o => (o.Key, (IReadOnlyList<ObjectVersionRecord>)o.Value.Select(Copy).ToList()))
                .ToList();
    }

    public string BodyPath(string bodyFile) => Path.Combine(Directory, bodyFile);

    // ---------- state ----------

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(data, StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate)
        {
            data = node?.Deserialize<S3Data>(StateJson.Options) ?? new S3Data();
            foreach (var bucket in data.Buckets)
                bucket.Objects = new SortedDictionary<string, List<ObjectVersionRecord>>(bucket.Objects, StringComparer.Ordinal);
        }
    }

    /// <summary>Forgets every bucket and deletes every body file.</summary>
    public void Clear()
    {
        lock (gate)
        {
            data = new S3Data();
            foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
                TryDelete(file);
        }
    }

    // ---------- helpers (called with the lock held) ----------

    private BucketRecord Bucket(string name) => data.Buckets.FirstOrDefault(b => b.Name == name) ?? throw S3Errors.NoSuchBucket(name);

    private static ObjectVersionRecord Find(BucketRecord bucket, string key, string? versionId, string method)
    {
        var versions = bucket.Objects.GetValueOrDefault(key) ?? [];
        if (versionId is null)
        {
            var latest = versions.FirstOrDefault() ?? throw S3Errors.NoSuchKey(key);
            if (!latest.IsDeleteMarker) return latest;
            var error = S3Errors.NoSuchKey(key).WithHeader("x-amz-delete-marker", "true");
            return bucket.Versioning is null ? throw error : throw error.WithHeader("x-amz-version-id", latest.VersionId);
        }
        if (!VersionIds.IsWellFormed(versionId)) throw S3Errors.InvalidVersionId(versionId);
        var version = versions.FirstOrDefault(v => v.VersionId == versionId) ?? throw S3Errors.NoSuchVersion(key, versionId);
        return version.IsDeleteMarker ? throw S3Errors.DeleteMarkerNotAllowed(method, versionId) : version;
    }

    /// <summary>Makes the version the newest; a "null" version replaces the one there was.</summary>
    private static void Insert(BucketRecord bucket, string key, ObjectVersionRecord version, List<string> replacedFiles)
    {
        if (!bucket.Objects.TryGetValue(key, out var versions)) bucket.Objects[key] = versions = [];
        if (version.VersionId == VersionIds.Null && versions.FirstOrDefault(v => v.VersionId == VersionIds.Null) is { } old)
        {
            versions.Remove(old);
            if (old.BodyFile is not null) replacedFiles.Add(old.BodyFile);
        }
        versions.Insert(0, version);
    }

    private static void Remove(BucketRecord bucket, string key, ObjectVersionRecord version, List<string> removedFiles)
    {
        var versions = bucket.Objects[key];
        versions.Remove(version);
        if (versions.Count == 0) bucket.Objects.Remove(key);
        if (version.BodyFile is not null) removedFiles.Add(version.BodyFile);
    }

    private void DeleteFiles(IEnumerable<string> bodyFiles)
    {
        foreach (var file in bodyFiles) TryDelete(BodyPath(file));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still open by a reader on a system that forbids deleting open files; the next Clear removes it.
        }
    }

    private static BucketRecord Summary(BucketRecord bucket) =>
        new() { Name = bucket.Name, Region = bucket.Region, Created = bucket.Created, Versioning = bucket.Versioning };

    private static ObjectVersionRecord Copy(ObjectVersionRecord version) => version.Clone();

    /// <summary>S3 keeps whole seconds.</summary>
    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }
}
