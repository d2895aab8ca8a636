namespace Portal.AwsEmulator.S3;

/// <summary>
/// Which S3 operation a REST request is, from its method, whether it names a bucket and a key, and its subresource
/// (?versioning, ?versions, ?list-type=2…). Operations the emulator does not serve answer NotImplemented, as S3 does for
/// functionality it lacks, rather than being mistaken for another operation.
/// </summary>
public static class S3Operations
{
    public const string ListBuckets = "ListBuckets";
    public const string CreateBucket = "CreateBucket";
    public const string HeadBucket = "HeadBucket";
    public const string DeleteBucket = "DeleteBucket";
    public const string GetBucketLocation = "GetBucketLocation";
    public const string PutBucketVersioning = "PutBucketVersioning";
    public const string GetBucketVersioning = "GetBucketVersioning";
    public const string ListObjectsV2 = "ListObjectsV2";
    public const string ListObjectVersions = "ListObjectVersions";
    public const string PutObject = "PutObject";
    public const string GetObject = "GetObject";
    public const string HeadObject = "HeadObject";
    public const string DeleteObject = "DeleteObject";

    private static readonly HashSet<string> Subresources = new(StringComparer.Ordinal)
    {
        "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering", "inventory", "legal-hold",
        "lifecycle", "list-type", "location", "logging", "metadataTable", "metrics", "notification", "object-lock", "ownershipControls",
        "partNumber", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment", "restore", "retention", "select",
        "session", "tagging", "torrent", "uploadId", "uploads", "versioning", "versions", "website",
    };

    public static string Identify(string method, S3Address address, IQueryCollection query, IHeaderDictionary headers)
    {
        var subresource = query.Keys.FirstOrDefault(Subresources.Contains);
        if (address.Bucket is null)
            return method == HttpMethods.Get && subresource is null ? ListBuckets : throw S3Errors.MethodNotAllowed(method, "SERVICE");
        if (address.Key is null)
            return (method, subresource) switch
            {
                ("PUT", null) => CreateBucket,
                ("PUT", "versioning") => PutBucketVersioning,
                ("HEAD", null) => HeadBucket,
                ("DELETE", null) => DeleteBucket,
                ("GET", "versioning") => GetBucketVersioning,
                ("GET", "versions") => ListObjectVersions,
                ("GET", "location") => GetBucketLocation,
                ("GET", "list-type") when query["list-type"] == "2" => ListObjectsV2,
                ("GET", null) => throw S3Errors.NotImplemented("ListObjects (version 1): use list-type=2"),
                (_, { } other) => throw S3Errors.NotImplemented("?" + other),
                _ => throw S3Errors.MethodNotAllowed(method, "BUCKET"),
            };
        if (method == HttpMethods.Put && headers.ContainsKey("x-amz-copy-source")) throw S3Errors.NotImplemented("x-amz-copy-source");
        return (method, subresource) switch
        {
            ("PUT", null) => PutObject,
            ("GET", null) => GetObject,
            ("HEAD", null) => HeadObject,
            ("DELETE", null) => DeleteObject,
            (_, { } other) => throw S3Errors.NotImplemented("?" + other),
            _ => throw S3Errors.MethodNotAllowed(method, "OBJECT"),
        };
    }
}
