using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Portal.AwsEmulator.S3;

/// <summary>A request body as S3 received it: its length, its MD5 (the ETag) and the additional checksum, verified.</summary>
/// <param name="ClientChecksum">Whether the client sent the checksum (otherwise it is S3's default one, computed here).</param>
public sealed record ReceivedPayload(long Size, string Md5Hex, string ChecksumAlgorithm, string ChecksumValue, bool ClientChecksum);

/// <summary>
/// Reads an S3 request body in every form the SDKs send it (x-amz-content-sha256: a SHA-256, UNSIGNED-PAYLOAD, or
/// aws-chunked with signed or unsigned chunks and checksum trailers) into a sink, piece by piece, and verifies what
/// the request claims about it: the SHA-256, Content-MD5, x-amz-checksum-* (header or trailer) and the decoded length.
/// </summary>
public static class PayloadReader
{
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    private static readonly string[] StreamingSigned =
    [
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    ];

    public static async Task<ReceivedPayload> ReadAsync(HttpRequest request, bool presigned, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink,
        CancellationToken cancellationToken)
    {
        var contentSha256 = request.Headers["x-amz-content-sha256"].ToString();
        if (contentSha256.Length == 0 && !presigned) throw S3Errors.MissingContentSha256();
        var streaming = contentSha256 == StreamingUnsignedTrailer || StreamingSigned.Contains(contentSha256);
        if (contentSha256.Length > 0 && !streaming && contentSha256 != UnsignedPayload && !IsSha256Hex(contentSha256))
            throw S3Errors.InvalidContentSha256(contentSha256);
        var declaredLength = DeclaredLength(request, streaming);

        var (headerAlgorithm, headerValue) = ChecksumHeader(request);
        var trailerAlgorithm = streaming && request.Headers["x-amz-trailer"].ToString() is { Length: > 0 } trailer ? ChecksumAlgorithms.FromHeader(trailer) : null;
        if (headerAlgorithm is not null && trailerAlgorithm is not null) throw S3Errors.MultipleChecksums();
        var sdkAlgorithm = request.Headers["x-amz-sdk-checksum-algorithm"].ToString().ToUpperInvariant();
        if (sdkAlgorithm.Length > 0 && headerAlgorithm is null && trailerAlgorithm is null)
            throw new S3Error("InvalidRequest", "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.",
                System.Net.HttpStatusCode.BadRequest);
        var algorithm = headerAlgorithm ?? trailerAlgorithm;
        // An object stored without a checksum of the client's gets S3's default one.
        var storedAlgorithm = algorithm ?? ChecksumAlgorithms.Default;
        var contentMd5 = ContentMd5(request);

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha256 = IsSha256Hex(contentSha256) ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var checksum = ChecksumAlgorithms.Create(storedAlgorithm);
        long size = 0;
        async ValueTask Consume(ReadOnlySequence<byte> piece, CancellationToken token)
        {
            foreach (var segment in piece)
            {
                md5.AppendData(segment.Span);
                sha256?.AppendData(segment.Span);
                checksum.Append(segment.Span);
                size += segment.Length;
                if (size > declaredLength) throw S3Errors.IncompleteBody();
                await sink(segment, token);
            }
        }

        IReadOnlyDictionary<string, string> trailers = new Dictionary<string, string>();
        if (streaming)
            trailers = await AwsChunkedDecoder.DecodeAsync(request.BodyReader, contentSha256 != StreamingUnsignedTrailer, Consume, cancellationToken);
        else
            await CopyRawAsync(request, Consume, cancellationToken);
        if (size != declaredLength) throw S3Errors.IncompleteBody();

        var md5Bytes = md5.GetHashAndReset();
        if (contentMd5 is not null && !contentMd5.AsSpan().SequenceEqual(md5Bytes)) throw S3Errors.BadContentMd5();
        if (sha256 is not null)
        {
            var computed = Convert.ToHexStringLower(sha256.GetHashAndReset());
            if (!computed.Equals(contentSha256, StringComparison.OrdinalIgnoreCase)) throw S3Errors.ContentSha256Mismatch(contentSha256, computed);
        }
        var checksumValue = checksum.Final();
        if (algorithm is not null)
        {
            var expected = headerValue ?? (trailers.TryGetValue(ChecksumAlgorithms.Header(algorithm), out var trailed) ? trailed : throw S3Errors.MalformedTrailer());
            if (expected != checksumValue) throw S3Errors.BadDigest(algorithm.ToLowerInvariant());
        }
        return new ReceivedPayload(size, Convert.ToHexStringLower(md5Bytes), storedAlgorithm, checksumValue, ClientChecksum: algorithm is not null);
    }

    /// <summary>A small body (an XML configuration), read and verified like any other.</summary>
    public static async Task<byte[]> ReadSmallAsync(HttpRequest request, bool presigned, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await ReadAsync(request, presigned, (piece, _) =>
        {
            if (buffer.Length + piece.Length > 1024 * 1024) throw S3Errors.MalformedXml();
            buffer.Write(piece.Span);
            return ValueTask.CompletedTask;
        }, cancellationToken);
        return buffer.ToArray();
    }

    private static long DeclaredLength(HttpRequest request, bool streaming)
    {
        long length;
        if (streaming)
        {
            var decoded = request.Headers["x-amz-decoded-content-length"].ToString();
            if (decoded.Length == 0) throw S3Errors.MissingContentLength();
            if (!long.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out length))
                throw S3Errors.InvalidArgument("x-amz-decoded-content-length is not a number", "x-amz-decoded-content-length", decoded);
        }
        else
        {
            // No Content-Length and no chunked transfer: an empty body, as HTTP says.
            length = request.ContentLength ?? (request.Headers.TransferEncoding.Count > 0 ? throw S3Errors.MissingContentLength() : 0);
        }
        if (length > S3Limits.MaxObjectSize) throw S3Errors.EntityTooLarge(length);
        return length;
    }

    private static (string? Algorithm, string? Value) ChecksumHeader(HttpRequest request)
    {
        var given = request.Headers.Where(h => ChecksumAlgorithms.FromHeader(h.Key) is not null).ToList();
        if (given.Count > 1) throw S3Errors.MultipleChecksums();
        if (given.Count == 0) return (null, null);
        var algorithm = ChecksumAlgorithms.FromHeader(given[0].Key)!;
        var value = given[0].Value.ToString();
        try
        {
            var bytes = Convert.FromBase64String(value);
            var expectedLength = algorithm switch { "CRC32" or "CRC32C" => 4, "CRC64NVME" => 8, "SHA1" => 20, _ => 32 };
            if (bytes.Length != expectedLength) throw S3Errors.InvalidChecksum(algorithm);
        }
        catch (FormatException)
        {
            throw S3Errors.InvalidChecksum(algorithm);
        }
        return (algorithm, value);
    }

    private static byte[]? ContentMd5(HttpRequest request)
    {
        if (request.Headers.ContentMD5.ToString() is not { Length: > 0 } value) return null;
        try
        {
            var bytes = Convert.FromBase64String(value);
            return bytes.Length == 16 ? bytes : throw S3Errors.InvalidDigest();
        }
        catch (FormatException)
        {
            throw S3Errors.InvalidDigest();
        }
    }

    private static async Task CopyRawAsync(HttpRequest request, Func<ReadOnlySequence<byte>, CancellationToken, ValueTask> consume, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            if (!read.Buffer.IsEmpty) await consume(read.Buffer, cancellationToken);
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted) return;
        }
    }

    private static bool IsSha256Hex(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);
}
