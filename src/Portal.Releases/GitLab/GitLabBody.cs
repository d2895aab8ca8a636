using System.Buffers;
using System.Security.Cryptography;

namespace Portal.Releases.GitLab;

/// <summary>
/// A delivery's body as it is read: counted against the limit (GitLab sends up to 25 MB), hashed on the way when the
/// delivery has no id header, and kept only when its signature must be checked (the key is known only once the body
/// named its project). Everything else is parsed straight from the stream, never held whole.
/// </summary>
public sealed class GitLabBody(Stream inner, long limit, bool hash, bool keep) : Stream
{
    private readonly IncrementalHash? sha256 = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    private readonly ArrayBufferWriter<byte>? kept = keep ? new ArrayBufferWriter<byte>() : null;
    private byte[]? digest;

    public long BytesRead { get; private set; }

    /// <summary>The bytes read so far, when kept (a delivery without a signature is not kept: empty).</summary>
    public ReadOnlyMemory<byte> Kept => kept?.WrittenMemory ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>SHA-256 of everything read, when hashed.</summary>
    public byte[] Sha256 => digest ??= sha256?.GetHashAndReset() ?? throw new InvalidOperationException("The body was not hashed.");

    /// <summary>Reads (and discards) what the parser left unread, so that the hash and the kept bytes cover the whole body.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await ReadAsync(buffer, cancellationToken) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Count(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Count(buffer.AsSpan(offset, read));
        return read;
    }

    private void Count(ReadOnlySpan<byte> read)
    {
        BytesRead += read.Length;
        if (BytesRead > limit) throw new GitLabBodyTooLargeException(limit);
        sha256?.AppendData(read);
        kept?.Write(read);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) sha256?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The body grew past the limit while it was read.</summary>
public sealed class GitLabBodyTooLargeException(long limit) : Exception($"The body is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}
