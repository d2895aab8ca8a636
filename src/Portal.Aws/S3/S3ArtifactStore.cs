using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.Aws.Protocol;

namespace Portal.Aws.S3;

/// <summary>
/// <see cref="IArtifactStore"/> on AWSSDK.S3. The endpoint, region and credentials are the portal's (path-style when the
/// endpoint is overridden, as for the emulator); the SDK retries throttling and 5xx itself, and what it gives up on
/// becomes the portal's typed <see cref="AwsException"/>s, so callers never see the SDK's exceptions.
/// </summary>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    private readonly AmazonS3Client client;

    public S3ArtifactStore(AwsEndpoints endpoints, AwsOptions options, IAwsCredentialSource credentials)
    {
        var config = new AmazonS3Config
        {
            RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(endpoints.Region),
            AuthenticationRegion = endpoints.Region,
            MaxErrorRetry = Math.Max(0, options.MaxAttempts - 1),
            // Archives of up to hundreds of MiB: one attempt may take longer than the JSON services' calls.
            Timeout = options.Timeout > TimeSpan.FromMinutes(5) ? options.Timeout : TimeSpan.FromMinutes(5),
        };
        if (endpoints.Override(AwsService.S3) is { } url)
        {
            config.ServiceURL = url.ToString();
            config.ForcePathStyle = true;
        }
        client = new AmazonS3Client(new SourceCredentials(credentials), config);
    }

    public async Task<StoredObject> PutOnceAsync(ArtifactUpload upload, CancellationToken cancellationToken = default)
    {
        try
        {
            return await PutAsync(upload, ifNoneMatch: true, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            var head = await HeadAsync(upload.Bucket, upload.Key, cancellationToken)
                ?? throw new AwsException(AwsService.S3.SigningName, "PreconditionFailed", "An object is at the key but cannot be read back.", e.RequestId, 412, retryable: true);
            return new StoredObject(upload.Bucket, upload.Key, head.VersionId, Existed: true);
        }
        catch (AmazonServiceException e)
        {
            throw Typed(e);
        }
    }

    public async Task<StoredObject> PutAsync(ArtifactUpload upload, CancellationToken cancellationToken = default)
    {
        try
        {
            return await PutAsync(upload, ifNoneMatch: false, cancellationToken);
        }
        catch (AmazonServiceException e)
        {
            throw Typed(e);
        }
    }

    public async Task<ObjectHead?> HeadAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken);
            return new ObjectHead(head.VersionId, head.ContentLength, Metadata(head.Metadata));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NotFound" or "NoSuchKey" or null or "")
        {
            return null;
        }
        catch (AmazonServiceException e)
        {
            throw Typed(e);
        }
    }

    public async Task<T> ReadAsync<T>(string bucket, string key, string? versionId, Func<Stream, Task<T>> read, CancellationToken cancellationToken = default)
    {
        GetObjectResponse response;
        try
        {
            response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId }, cancellationToken);
        }
        catch (AmazonServiceException e)
        {
            throw Typed(e);
        }
        using (response)
        await using (var body = response.ResponseStream)
            return await read(body);
    }

    private async Task<StoredObject> PutAsync(ArtifactUpload upload, bool ifNoneMatch, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(upload.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        var request = new PutObjectRequest
        {
            BucketName = upload.Bucket,
            Key = upload.Key,
            InputStream = file,
            AutoCloseStream = false,
            ContentType = upload.ContentType,
        };
        if (ifNoneMatch) request.IfNoneMatch = "*";
        foreach (var (name, value) in upload.Metadata) request.Metadata[name] = value;
        var response = await client.PutObjectAsync(request, cancellationToken);
        return new StoredObject(upload.Bucket, upload.Key,
            response.VersionId ?? throw new AwsException(AwsService.S3.SigningName, "NoVersionId",
                $"S3 answered without a version id: bucket {upload.Bucket} is not versioned, as pipeline sources must be.", response.ResponseMetadata?.RequestId, 200,
                retryable: false),
            Existed: false);
    }

    private static Dictionary<string, string> Metadata(MetadataCollection metadata) =>
        metadata.Keys.ToDictionary(k => k.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? k[11..] : k, k => metadata[k], StringComparer.OrdinalIgnoreCase);

    /// <summary>S3's answer as the portal's exception types (the SDK has already retried what it retries).</summary>
    private static AwsException Typed(AmazonServiceException e)
    {
        var status = (int)e.StatusCode;
        var code = string.IsNullOrEmpty(e.ErrorCode) ? AwsErrors.CodeForStatus(status) : e.ErrorCode;
        if (status == 0 || AwsErrors.IsRetryable(code, status))
            return new AwsUnavailableException(AwsService.S3.SigningName, status == 0 ? AwsErrors.NetworkingCode : code, e.Message, e.RequestId, status, e);
        return AwsErrors.Create(AwsService.S3, new AwsErrorInfo(code, e.Message, e.RequestId), status);
    }

    public void Dispose() => client.Dispose();

    /// <summary>The portal's credential source (the SDK's default chain, or the emulator's dummy keys) as the SDK's type.</summary>
    private sealed class SourceCredentials(IAwsCredentialSource source) : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

        public override async Task<ImmutableCredentials> GetCredentialsAsync()
        {
            var current = await source.GetAsync(CancellationToken.None);
            return new ImmutableCredentials(current.AccessKeyId, current.SecretAccessKey, current.SessionToken);
        }
    }
}
