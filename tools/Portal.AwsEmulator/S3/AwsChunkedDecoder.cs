using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace Portal.AwsEmulator.S3;

/// <summary>
/// Decodes an "aws-chunked" body (Content-Encoding: aws-chunked): "hex-size[;chunk-signature=…]\r\n data \r\n" chunks,
/// a zero-size chunk, then trailer lines ("x-amz-checksum-crc32:…", "x-amz-trailer-signature:…") and an empty line.
/// Signatures are not verified (the emulator checks no signature), but their presence is, and with signed chunks every
/// chunk but the last must hold at least 8 KiB, as S3 requires.
/// </summary>
public static class AwsChunkedDecoder
{
    private const int MaxLineLength = 4096;
    private const int MinSignedChunkSize = 8192;

    public static async Task<IReadOnlyDictionary<string, string>> DecodeAsync(
        PipeReader body, bool signedChunks, Func<ReadOnlySequence<byte>, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
    {
        long? previousSize = null;
        while (true)
        {
            var header = await ReadLineAsync(body, cancellationToken) ?? throw S3Errors.IncompleteBody();
            var size = ChunkSize(header, signedChunks);
            if (signedChunks && previousSize is > 0 and < MinSignedChunkSize && size > 0)
                throw S3Errors.InvalidChunkSize();
            if (size == 0) return await ReadTrailersAsync(body, cancellationToken);
            await CopyAsync(body, size, sink, cancellationToken);
            if (await ReadLineAsync(body, cancellationToken) is not "") throw S3Errors.IncompleteBody();
            previousSize = size;
        }
    }

    private static long ChunkSize(string header, bool signedChunks)
    {
        var semicolon = header.IndexOf(';');
        var hex = semicolon < 0 ? header : header[..semicolon];
        if (hex.Length is 0 or > 16 || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            throw S3Errors.IncompleteBody();
        if (signedChunks && (semicolon < 0 || !header[(semicolon + 1)..].StartsWith("chunk-signature=", StringComparison.Ordinal)))
            throw S3Errors.IncompleteBody();
        return size;
    }

    private static async Task<IReadOnlyDictionary<string, string>> ReadTrailersAsync(PipeReader body, CancellationToken cancellationToken)
    {
        var trailers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await ReadLineAsync(body, cancellationToken) is { } line)
        {
            if (line.Length == 0) return trailers;
            if (trailers.Count == 16) throw S3Errors.MalformedTrailer();
            var colon = line.IndexOf(':');
            if (colon <= 0) throw S3Errors.MalformedTrailer();
            trailers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        throw S3Errors.MalformedTrailer();
    }

    private static async Task CopyAsync(PipeReader body, long size, Func<ReadOnlySequence<byte>, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
    {
        var remaining = size;
        while (remaining > 0)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (buffer.IsEmpty && read.IsCompleted) throw S3Errors.IncompleteBody();
            var take = buffer.Slice(0, Math.Min(remaining, buffer.Length));
            await sink(take, cancellationToken);
            remaining -= take.Length;
            body.AdvanceTo(take.End);
        }
    }

    /// <summary>The next line without its CRLF, or null at the end of the body.</summary>
    private static async Task<string?> ReadLineAsync(PipeReader body, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
            {
                if (line.Length > MaxLineLength) throw S3Errors.IncompleteBody();
                var text = Encoding.ASCII.GetString(line);
                body.AdvanceTo(reader.Position);
                return text;
            }
            if (buffer.Length > MaxLineLength) throw S3Errors.IncompleteBody();
            if (read.IsCompleted)
            {
                body.AdvanceTo(buffer.End);
                return null;
            }
            body.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
