using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Services;

/// <summary>S3 through the official AWSSDK.S3 client and raw HTTP: versions, delete markers, ranges, listings, integrity checks and AWS's errors.</summary>
public sealed class S3Tests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private AmazonS3Client S3 => aws.S3.Client;

    [Fact]
    public async Task A_50_MB_stream_is_put_with_the_official_client_and_read_back_by_its_version()
    {
        var bucket = await aws.S3.VersionedBucketAsync(EmulatorFixture.UniqueBucket("big"));
        const int size = 50 * 1024 * 1024;
        var content = new byte[size];
        new Random(7).NextBytes(content);

        var first = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "archives/commit.zip", InputStream = new MemoryStream(content) });
        var second = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "archives/commit.zip", ContentBody = "newer" });
        using var read = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "archives/commit.zip", VersionId = first.VersionId });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int count;
        long total = 0;
        while ((count = await read.ResponseStream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, count);
            total += count;
        }
        var head = await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "archives/commit.zip" });

        Assert.Matches("^[A-Za-z0-9._-]{32}$", first.VersionId);
        Assert.NotEqual(first.VersionId, second.VersionId);
        Assert.Equal(size, total);
        Assert.Equal(SHA256.HashData(content), hash.GetHashAndReset());
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(content))}\"", first.ETag);
        Assert.Equal(first.VersionId, read.VersionId);
        Assert.Equal((second.VersionId, 5L), (head.VersionId, head.ContentLength));
    }

    [Fact]
    public async Task Deleting_in_a_versioned_bucket_writes_a_delete_marker_and_keeps_the_versions()
    {
        var bucket = await aws.S3.VersionedBucketAsync(EmulatorFixture.UniqueBucket("versions"));
        var v1 = (await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src.zip", ContentBody = "one" })).VersionId;
        var v2 = (await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src.zip", ContentBody = "two" })).VersionId;

        var deleted = await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "src.zip" });
        var latest = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(bucket, "src.zip"));
        using var old = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "src.zip", VersionId = v1 });
        var versions = await S3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        var unknown = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "src.zip", VersionId = new string('a', 32) }));
        var malformed = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "src.zip", VersionId = "not-a-version" }));
        var marker = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "src.zip", VersionId = deleted.VersionId }));
        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "src.zip", VersionId = deleted.VersionId });
        using var restored = await S3.GetObjectAsync(bucket, "src.zip");

        Assert.Equal("true", deleted.DeleteMarker);
        Assert.Equal(("NoSuchKey", HttpStatusCode.NotFound), (latest.ErrorCode, latest.StatusCode));
        Assert.Equal("one", await new StreamReader(old.ResponseStream).ReadToEndAsync());
        Assert.Equal([v2, v1], versions.Versions.Where(v => !v.IsDeleteMarker.GetValueOrDefault()).Select(v => v.VersionId));
        Assert.Equal(deleted.VersionId, Assert.Single(versions.Versions, v => v.IsDeleteMarker.GetValueOrDefault()).VersionId);
        Assert.Equal(("NoSuchVersion", HttpStatusCode.NotFound), (unknown.ErrorCode, unknown.StatusCode));
        Assert.Equal(("InvalidArgument", HttpStatusCode.BadRequest), (malformed.ErrorCode, malformed.StatusCode));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, marker.StatusCode);
        Assert.Equal(v2, restored.VersionId);
    }

    [Fact]
    public async Task Ranges_answer_206_and_an_unsatisfiable_range_416()
    {
        var bucket = await aws.S3.VersionedBucketAsync(EmulatorFixture.UniqueBucket("ranges"));
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "0123456789" });

        using var middle = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange(2, 5) });
        using var tail = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange("bytes=-3") });
        var beyond = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange(10, 20) }));

        Assert.Equal(HttpStatusCode.PartialContent, middle.HttpStatusCode);
        Assert.Equal("2345", await new StreamReader(middle.ResponseStream).ReadToEndAsync());
        Assert.Equal("bytes 2-5/10", middle.ContentRange);
        Assert.Equal("789", await new StreamReader(tail.ResponseStream).ReadToEndAsync());
        Assert.Equal(("InvalidRange", HttpStatusCode.RequestedRangeNotSatisfiable), (beyond.ErrorCode, beyond.StatusCode));
    }

    [Fact]
    public async Task Buckets_are_refused_as_S3_refuses_them()
    {
        var name = EmulatorFixture.UniqueBucket("owned");
        var unplaced = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutBucketAsync(name));
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = name, BucketRegionName = "eu-west-1" });

        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutBucketAsync(new PutBucketRequest { BucketName = name, BucketRegionName = "eu-west-1" }));
        var invalid = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutBucketAsync(new PutBucketRequest { BucketName = "Not_A_Bucket", BucketRegionName = "eu-west-1" }));
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync("no-such-bucket-anywhere", "k"));
        using var elsewhere = S3Calls.Create(aws.Emulator.BaseUrl, "us-west-2");
        var wrongRegion = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => elsewhere.GetObjectAsync(name, "k"));
        var versioning = await S3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = name });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "k", ContentBody = "x" });
        var notEmpty = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.DeleteBucketAsync(name));

        Assert.Equal("IllegalLocationConstraintException", unplaced.ErrorCode);
        Assert.Equal(("BucketAlreadyOwnedByYou", HttpStatusCode.Conflict), (again.ErrorCode, again.StatusCode));
        Assert.Equal("InvalidBucketName", invalid.ErrorCode);
        Assert.Equal(("NoSuchBucket", HttpStatusCode.NotFound), (missing.ErrorCode, missing.StatusCode));
        Assert.Equal("AuthorizationHeaderMalformed", wrongRegion.ErrorCode);
        Assert.Equal(VersionStatus.Off, versioning.VersioningConfig.Status);
        Assert.Equal(("BucketNotEmpty", HttpStatusCode.Conflict), (notEmpty.ErrorCode, notEmpty.StatusCode));
    }

    [Fact]
    public async Task ListObjectsV2_groups_by_delimiter_and_pages_with_continuation_tokens()
    {
        var bucket = await aws.S3.VersionedBucketAsync(EmulatorFixture.UniqueBucket("listing"));
        foreach (var key in new[] { "a/1.zip", "a/2.zip", "b/1.zip", "c.txt", "d.txt", "e.txt" })
            await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        await S3.DeleteObjectAsync(bucket, "e.txt");

        var grouped = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        var first = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 2 });
        var second = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 10, ContinuationToken = first.NextContinuationToken });
        var prefixed = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "a/" });
        var badToken = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = "garbage" }));

        Assert.Equal(["c.txt", "d.txt"], grouped.S3Objects.Select(o => o.Key));
        Assert.Equal(["a/", "b/"], grouped.CommonPrefixes);
        Assert.Equal((2, true), (first.KeyCount, first.IsTruncated.GetValueOrDefault()));
        Assert.Equal(["b/1.zip", "c.txt", "d.txt"], second.S3Objects.Select(o => o.Key));
        Assert.False(second.IsTruncated.GetValueOrDefault());
        Assert.Equal(["a/1.zip", "a/2.zip"], prefixed.S3Objects.Select(o => o.Key));
        Assert.Equal("InvalidArgument", badToken.ErrorCode);
    }

    [Fact]
    public async Task A_conditional_put_refuses_to_overwrite_and_the_bucket_keeps_one_version()
    {
        var bucket = await aws.S3.VersionedBucketAsync(EmulatorFixture.UniqueBucket("conditional"));
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first", IfNoneMatch = "*" });

        var second = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second", IfNoneMatch = "*" }));
        var versions = await S3.ListVersionsAsync(bucket);

        Assert.Equal(("PreconditionFailed", HttpStatusCode.PreconditionFailed), (second.ErrorCode, second.StatusCode));
        Assert.Single(versions.Versions);
    }

    [Fact]
    public async Task A_body_that_does_not_match_its_checksum_or_hash_is_refused_and_nothing_is_stored()
    {
        var bucket = await aws.S3.VersionedBucketAsync(EmulatorFixture.UniqueBucket("integrity"));
        using var http = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };

        var crc = await SendAsync(http, HttpMethod.Put, $"/{bucket}/k", "hello", ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), ("x-amz-checksum-crc32", "AAAAAA=="));
        var sha = await SendAsync(http, HttpMethod.Put, $"/{bucket}/k", "hello", ("x-amz-content-sha256", new string('0', 64)));
        var noHash = await SendAsync(http, HttpMethod.Put, $"/{bucket}/k", "hello");
        var unsigned = await SendAsync(http, HttpMethod.Put, $"/{bucket}/k", "hello", signed: false);
        var versions = await S3.ListVersionsAsync(bucket);

        Assert.Equal((HttpStatusCode.BadRequest, "BadDigest"), crc);
        Assert.Equal((HttpStatusCode.BadRequest, "XAmzContentSHA256Mismatch"), sha);
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequest"), noHash);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), unsigned);
        Assert.Empty(versions.Versions ?? []);
    }

    [Fact]
    public async Task Signed_aws_chunked_uploads_are_decoded_and_a_short_middle_chunk_is_refused()
    {
        var bucket = await aws.S3.VersionedBucketAsync(EmulatorFixture.UniqueBucket("chunked"));
        using var http = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };
        var signature = new string('f', 64);
        var chunk = new string('a', 8192);
        var body = $"2000;chunk-signature={signature}\r\n{chunk}\r\n5;chunk-signature={signature}\r\nhello\r\n0;chunk-signature={signature}\r\n"
            + $"x-amz-checksum-crc32:{Crc32(chunk + "hello")}\r\nx-amz-trailer-signature:{signature}\r\n\r\n";
        var chunked = ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");

        var accepted = await SendAsync(http, HttpMethod.Put, $"/{bucket}/chunked", body, chunked, ("Content-Encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", "8197"), ("x-amz-trailer", "x-amz-checksum-crc32"));
        var shortChunk = await SendAsync(http, HttpMethod.Put, $"/{bucket}/short", $"5;chunk-signature={signature}\r\nhello\r\n5;chunk-signature={signature}\r\nworld\r\n0;chunk-signature={signature}\r\n\r\n",
            ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "10"));
        using var read = await S3.GetObjectAsync(bucket, "chunked");

        Assert.Equal((HttpStatusCode.OK, ""), accepted);
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidChunkSizeError"), shortChunk);
        Assert.Equal(chunk + "hello", await new StreamReader(read.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task A_virtual_hosted_style_request_names_the_bucket_in_the_host()
    {
        var bucket = await aws.S3.VersionedBucketAsync(EmulatorFixture.UniqueBucket("hosted"));
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dir/file.txt", ContentBody = "by host" });
        using var http = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dir/file.txt");
        request.Headers.Host = $"{bucket}.s3.localhost:{aws.Emulator.BaseUrl.Port}";
        Sign(request);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("by host", await response.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpStatusCode Status, string Code)> SendAsync(HttpClient http, HttpMethod method, string path, string body,
        params (string Name, string Value)[] headers) => await SendAsync(http, method, path, body, signed: true, headers);

    private static async Task<(HttpStatusCode Status, string Code)> SendAsync(HttpClient http, HttpMethod method, string path, string body, bool signed,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        foreach (var (name, value) in headers)
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)) request.Content.Headers.TryAddWithoutValidation(name, value);
            else request.Headers.TryAddWithoutValidation(name, value);
        if (signed) Sign(request);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var code = text.Length == 0 ? "" : System.Xml.Linq.XDocument.Parse(text).Root?.Element("Code")?.Value ?? "";
        return (response.StatusCode, code);
    }

    private static void Sign(HttpRequestMessage request) => request.Headers.Authorization = new AuthenticationHeaderValue("AWS4-HMAC-SHA256",
        $"Credential=AKIDTEST/{DateTime.UtcNow:yyyyMMdd}/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000");

    private static string Crc32(string text)
    {
        var crc = Portal.AwsEmulator.S3.Crc.Crc32();
        crc.Append(Encoding.UTF8.GetBytes(text));
        return Convert.ToBase64String(crc.Final());
    }
}
