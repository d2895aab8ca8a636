using System.Net;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.S3;

/// <summary>
/// An S3 error: code, message and status as the S3 API reference lists them, the extra elements S3 puts in the
/// &lt;Error&gt; body (BucketName, Key, ArgumentName…) and the headers it answers with (x-amz-delete-marker…).
/// </summary>
public sealed class S3Error(string code, string message, HttpStatusCode status, IReadOnlyList<(string Name, string Value)>? details = null)
    : AwsServiceException(code, message, status, senderFault: (int)status < 500)
{
    public IReadOnlyList<(string Name, string Value)> Details { get; } = details ?? [];
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public S3Error WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }
}

/// <summary>The S3 errors the emulator answers, worded as the S3 API reference ("Error responses") words them.</summary>
public static class S3Errors
{
    public static S3Error NoSuchBucket(string bucket) =>
        new("NoSuchBucket", "The specified bucket does not exist", HttpStatusCode.NotFound, [("BucketName", bucket)]);

    public static S3Error NoSuchKey(string key) => new("NoSuchKey", "The specified key does not exist.", HttpStatusCode.NotFound, [("Key", key)]);

    public static S3Error NoSuchVersion(string key, string versionId) =>
        new("NoSuchVersion", "The specified version does not exist.", HttpStatusCode.NotFound, [("Key", key), ("VersionId", versionId)]);

    public static S3Error InvalidVersionId(string versionId) => InvalidArgument("Invalid version id specified", "versionId", versionId);

    public static S3Error InvalidArgument(string message, string argument, string value) =>
        new("InvalidArgument", message, HttpStatusCode.BadRequest, [("ArgumentName", argument), ("ArgumentValue", value)]);

    public static S3Error InvalidBucketName(string bucket) =>
        new("InvalidBucketName", "The specified bucket is not valid.", HttpStatusCode.BadRequest, [("BucketName", bucket)]);

    public static S3Error BucketAlreadyOwnedByYou(string bucket) => new("BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.", HttpStatusCode.Conflict, [("BucketName", bucket)]);

    public static S3Error BucketNotEmpty(string bucket) =>
        new("BucketNotEmpty", "The bucket you tried to delete is not empty", HttpStatusCode.Conflict, [("BucketName", bucket)]);

    public static S3Error MalformedXml() => new("MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema", HttpStatusCode.BadRequest);

    public static S3Error InvalidLocationConstraint(string constraint) => new("InvalidLocationConstraint",
        "The specified location-constraint is not valid", HttpStatusCode.BadRequest, [("LocationConstraint", constraint)]);

    public static S3Error IllegalLocationConstraint(string? constraint) => new("IllegalLocationConstraintException",
        $"The {(string.IsNullOrEmpty(constraint) ? "unspecified" : constraint)} location constraint is incompatible for the region specific endpoint this request was sent to.",
        HttpStatusCode.BadRequest);

    /// <summary>A request signed for another region than the bucket's (SDKs retry in the region the answer names).</summary>
    public static S3Error WrongRegion(string signedRegion, string bucketRegion) => new S3Error("AuthorizationHeaderMalformed",
        $"The authorization header is malformed; the region '{signedRegion}' is wrong; expecting '{bucketRegion}'", HttpStatusCode.BadRequest,
        [("Region", bucketRegion)]).WithHeader("x-amz-bucket-region", bucketRegion);

    public static S3Error AccessDenied() => new("AccessDenied", "Access Denied", HttpStatusCode.Forbidden);

    public static S3Error MissingContentSha256() => new("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", HttpStatusCode.BadRequest);

    public static S3Error InvalidContentSha256(string value) =>
        InvalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
            + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
            "x-amz-content-sha256", value);

    public static S3Error ContentSha256Mismatch(string given, string computed) => new("XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.", HttpStatusCode.BadRequest,
        [("ClientComputedContentSHA256", given), ("S3ComputedContentSHA256", computed)]);

    public static S3Error BadDigest(string what) =>
        new("BadDigest", $"The {what} you specified did not match the calculated checksum.", HttpStatusCode.BadRequest);

    public static S3Error BadContentMd5() =>
        new("BadDigest", "The Content-MD5 you specified did not match what we received.", HttpStatusCode.BadRequest);

    public static S3Error InvalidDigest() => new("InvalidDigest", "The Content-MD5 you specified was invalid.", HttpStatusCode.BadRequest);

    public static S3Error InvalidChecksum(string algorithm) =>
        new("InvalidRequest", $"Value for {ChecksumAlgorithms.Header(algorithm)} header is invalid.", HttpStatusCode.BadRequest);

    public static S3Error MultipleChecksums() =>
        new("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.", HttpStatusCode.BadRequest);

    public static S3Error MissingContentLength() => new("MissingContentLength", "You must provide the Content-Length HTTP header.", HttpStatusCode.LengthRequired);

    public static S3Error EntityTooLarge(long size) => new("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", HttpStatusCode.BadRequest,
        [("ProposedSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("MaxSizeAllowed", S3Limits.MaxObjectSize.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    public static S3Error IncompleteBody() => new("IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header.", HttpStatusCode.BadRequest);

    public static S3Error InvalidChunkSize() =>
        new("InvalidChunkSizeError", "Only the last chunk is allowed to have a size less than 8192 bytes", HttpStatusCode.Forbidden);

    public static S3Error MalformedTrailer() => new("MalformedTrailerError",
        "The request contained trailing data that was not well-formed or did not conform to our published schema.", HttpStatusCode.BadRequest);

    public static S3Error InvalidRange(string range, long size) => new("InvalidRange", "The requested range is not satisfiable", HttpStatusCode.RequestedRangeNotSatisfiable,
        [("RangeRequested", range), ("ActualObjectSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    /// <summary>GET or HEAD of a version that is a delete marker.</summary>
    public static S3Error DeleteMarkerNotAllowed(string method, string versionId) =>
        new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.", HttpStatusCode.MethodNotAllowed,
            [("Method", method), ("ResourceType", "DeleteMarker")])
        .WithHeader("x-amz-delete-marker", "true").WithHeader("x-amz-version-id", versionId);

    public static S3Error NotImplemented(string what) => new("NotImplemented",
        "A header you provided implies functionality that is not implemented", HttpStatusCode.NotImplemented, [("Header", what)]);

    public static S3Error MethodNotAllowed(string method, string resourceType) => new("MethodNotAllowed",
        "The specified method is not allowed against this resource.", HttpStatusCode.MethodNotAllowed, [("Method", method), ("ResourceType", resourceType)]);
}

public static class S3Limits
{
    /// <summary>A single PUT carries at most 5 GiB.</summary>
    public const long MaxObjectSize = 5L * 1024 * 1024 * 1024;

    public const int MaxKeys = 1000;

    /// <summary>Object keys are at most 1024 bytes of UTF-8.</summary>
    public const int MaxKeyBytes = 1024;
}
