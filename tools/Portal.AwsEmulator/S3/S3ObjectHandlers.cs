using System.Globalization;
using System.Net;
using System.Text;

namespace Portal.AwsEmulator.S3;

/// <summary>PutObject (streamed to a file), GetObject and HeadObject (versions, ranges, conditions), DeleteObject (delete markers).</summary>
public sealed class S3ObjectHandlers
{
    private const int MaxMetadataBytes = 2048;
    private static readonly (string Query, string Header)[] ResponseOverrides =
    [
        ("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"), ("response-expires", "Expires"),
        ("response-cache-control", "Cache-Control"), ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding"),
    ];

    public async Task PutAsync(S3Call call)
    {
        CheckKey(call.Key);
        var attributes = Attributes(call.Request);
        var precondition = WriteCondition(call.Request, call.Key);
        S3Service.AllowObjectSizedBody(call.Http);
        var staged = call.Store.StagingPath();
        try
        {
            ReceivedPayload payload;
            await using (var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                payload = await PayloadReader.ReadAsync(call.Request, call.Presigned, (piece, token) => file.WriteAsync(piece, token), call.Http.RequestAborted);
            var bucket = call.Store.FindBucket(call.Bucket) ?? throw S3Errors.NoSuchBucket(call.Bucket);
            var version = call.Store.Commit(call.Bucket, call.Key, staged, payload, attributes, precondition);
            var headers = call.Response.Headers;
            headers.ETag = version.ETag;
            if (bucket.Versioning == VersioningStates.Enabled) headers["x-amz-version-id"] = version.VersionId;
            if (payload.ClientChecksum)
            {
                headers[ChecksumAlgorithms.Header(payload.ChecksumAlgorithm)] = payload.ChecksumValue;
                headers["x-amz-checksum-type"] = "FULL_OBJECT";
            }
            headers["x-amz-server-side-encryption"] = "AES256";
            call.Response.StatusCode = StatusCodes.Status200OK;
        }
        finally
        {
            if (File.Exists(staged)) File.Delete(staged);
        }
    }

    public async Task GetAsync(S3Call call, bool headOnly)
    {
        var versionId = call.Query("versionId");
        var bucket = call.Store.FindBucket(call.Bucket)!;
        using var opened = headOnly ? new OpenedObject(call.Store.Head(call.Bucket, call.Key, versionId), null) : call.Store.Open(call.Bucket, call.Key, versionId, "GET");
        var version = opened.Version;
        var response = call.Response;
        if (bucket.Versioning is not null) response.Headers["x-amz-version-id"] = version.VersionId;
        if (ReadCondition(call.Request, version) is { } status)
        {
            if (status == StatusCodes.Status304NotModified)
            {
                response.StatusCode = status;
                response.Headers.ETag = version.ETag;
                return;
            }
            throw new S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", HttpStatusCode.PreconditionFailed,
                [("Condition", call.Request.Headers.IfMatch.Count > 0 ? "If-Match" : "If-Unmodified-Since")]);
        }
        var range = ByteRange.Parse(call.Request.Headers.Range.ToString(), version.Size);
        WriteObjectHeaders(response, version, wholeObject: range is null, call.Request.Headers["x-amz-checksum-mode"] == "ENABLED");
        if (!headOnly)
            foreach (var (query, header) in ResponseOverrides)
                if (call.Query(query) is { } value) response.Headers[header] = value;
        if (range is { } part)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {part.Start}-{part.Start + part.Length - 1}/{version.Size}";
            response.ContentLength = part.Length;
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentLength = version.Size;
        }
        if (headOnly || opened.Body is null) return;
        await CopyAsync(opened.Body, range?.Start ?? 0, range?.Length ?? version.Size, response.Body, call.Http.RequestAborted);
    }

    public Task DeleteAsync(S3Call call)
    {
        var deleted = call.Store.Delete(call.Bucket, call.Key, call.Query("versionId"));
        if (deleted.DeleteMarker) call.Response.Headers["x-amz-delete-marker"] = "true";
        if (deleted.VersionId is not null) call.Response.Headers["x-amz-version-id"] = deleted.VersionId;
        call.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static void WriteObjectHeaders(HttpResponse response, ObjectVersionRecord version, bool wholeObject, bool checksumMode)
    {
        var headers = response.Headers;
        headers.ETag = version.ETag;
        headers.LastModified = S3Xml.HttpDate(version.LastModified);
        headers.AcceptRanges = "bytes";
        headers.ContentType = version.ContentType;
        if (version.ContentEncoding is not null) headers.ContentEncoding = version.ContentEncoding;
        if (version.ContentDisposition is not null) headers.ContentDisposition = version.ContentDisposition;
        if (version.ContentLanguage is not null) headers.ContentLanguage = version.ContentLanguage;
        if (version.CacheControl is not null) headers.CacheControl = version.CacheControl;
        foreach (var (name, value) in version.Metadata) headers["x-amz-meta-" + name] = value;
        headers["x-amz-server-side-encryption"] = "AES256";
        // A range's checksum would not be the object's, so S3 sends the object's only with the whole object.
        if (checksumMode && wholeObject && version.ChecksumAlgorithm is not null && version.ChecksumValue is not null)
        {
            headers[ChecksumAlgorithms.Header(version.ChecksumAlgorithm)] = version.ChecksumValue;
            headers["x-amz-checksum-type"] = "FULL_OBJECT";
        }
    }

    private static ObjectAttributes Attributes(HttpRequest request)
    {
        var metadata = request.Headers
            .Where(h => h.Key.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) && h.Key.Length > 11)
            .ToDictionary(h => h.Key[11..].ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        if (metadata.Sum(m => Encoding.UTF8.GetByteCount(m.Key) + Encoding.UTF8.GetByteCount(m.Value)) > MaxMetadataBytes)
            throw new S3Error("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size", HttpStatusCode.BadRequest,
                [("MaxSizeAllowed", MaxMetadataBytes.ToString(CultureInfo.InvariantCulture))]);
        // aws-chunked is how the body travelled, not what it is.
        var encodings = request.Headers.ContentEncoding.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(e => !e.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)).ToList();
        return new ObjectAttributes(
            request.ContentType is { Length: > 0 } type ? type : "binary/octet-stream",
            encodings.Count > 0 ? string.Join(", ", encodings) : null,
            NullIfEmpty(request.Headers.ContentDisposition.ToString()),
            NullIfEmpty(request.Headers.ContentLanguage.ToString()),
            NullIfEmpty(request.Headers.CacheControl.ToString()),
            metadata);
    }

    /// <summary>Conditional writes: If-None-Match "*" (only if no current object) and If-Match (only over this ETag).</summary>
    private static Func<ObjectVersionRecord?, S3Error?>? WriteCondition(HttpRequest request, string key)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        var ifMatch = request.Headers.IfMatch.ToString();
        if (ifNoneMatch.Length > 0 && ifNoneMatch != "*") throw S3Errors.NotImplemented("If-None-Match");
        if (ifNoneMatch.Length == 0 && ifMatch.Length == 0) return null;
        return current =>
        {
            if (ifNoneMatch == "*" && current is not null) return Failed("If-None-Match");
            if (ifMatch.Length == 0) return null;
            if (current is null) return S3Errors.NoSuchKey(key);
            return EtagMatches(ifMatch, current.ETag) ? null : Failed("If-Match");
        };
        static S3Error Failed(string condition) => new("PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
            HttpStatusCode.PreconditionFailed, [("Condition", condition)]);
    }

    /// <summary>412 or 304 for a GET or HEAD whose conditions do not hold (RFC 7232's order, as S3 applies it); null to answer.</summary>
    private static int? ReadCondition(HttpRequest request, ObjectVersionRecord version)
    {
        var headers = request.Headers;
        var ifMatch = headers.IfMatch.ToString();
        var ifNoneMatch = headers.IfNoneMatch.ToString();
        if (ifMatch.Length > 0 && !EtagMatches(ifMatch, version.ETag)) return StatusCodes.Status412PreconditionFailed;
        if (ifMatch.Length == 0 && Date(headers.IfUnmodifiedSince) is { } unmodifiedSince && version.LastModified > unmodifiedSince)
            return StatusCodes.Status412PreconditionFailed;
        if (ifNoneMatch.Length > 0 && EtagMatches(ifNoneMatch, version.ETag)) return StatusCodes.Status304NotModified;
        if (ifNoneMatch.Length == 0 && Date(headers.IfModifiedSince) is { } modifiedSince && version.LastModified <= modifiedSince)
            return StatusCodes.Status304NotModified;
        return null;
    }

    private static bool EtagMatches(string condition, string etag) =>
        condition.Split(',', StringSplitOptions.TrimEntries).Any(c => c == "*" || c.Trim('"') == etag.Trim('"'));

    private static DateTimeOffset? Date(Microsoft.Extensions.Primitives.StringValues value) =>
        DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    private static void CheckKey(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > S3Limits.MaxKeyBytes)
            throw new S3Error("KeyTooLongError", "Your key is too long", HttpStatusCode.BadRequest);
    }

    private static async Task CopyAsync(FileStream body, long start, long length, Stream destination, CancellationToken cancellationToken)
    {
        body.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[81920];
        var remaining = length;
        while (remaining > 0)
        {
            var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
            if (read == 0) break;
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            remaining -= read;
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

/// <summary>One byte range of an object (Range: bytes=a-b, bytes=a-, bytes=-n), as S3 reads the header.</summary>
public readonly record struct ByteRange(long Start, long Length)
{
    /// <summary>The range, null for the whole object (no header, several ranges, or one S3 ignores); InvalidRange when unsatisfiable.</summary>
    public static ByteRange? Parse(string header, long size)
    {
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(',', StringComparison.Ordinal)) return null;
        var spec = header[6..].Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0) return null;
        var first = spec[..dash];
        var last = spec[(dash + 1)..];
        long start, end;
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix)) return null;
            if (suffix == 0 || size == 0) throw S3Errors.InvalidRange(header, size);
            (start, end) = (Math.Max(0, size - suffix), size - 1);
        }
        else
        {
            if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out start)) return null;
            if (last.Length == 0) end = size - 1;
            else if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start) return null;
            if (start >= size) throw S3Errors.InvalidRange(header, size);
            end = Math.Min(end, size - 1);
        }
        return new ByteRange(start, end - start + 1);
    }
}
