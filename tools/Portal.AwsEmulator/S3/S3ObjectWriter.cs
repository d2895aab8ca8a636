using System.Security.Cryptography;

namespace Portal.AwsEmulator.S3;

/// <summary>Puts an object from inside the emulator (an artifact a pipeline action produces), streamed to its file like a PutObject.</summary>
public static class S3ObjectWriter
{
    public static async Task<ObjectVersionRecord> PutAsync(S3Store store, string bucket, string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var staged = store.StagingPath();
        try
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var checksum = ChecksumAlgorithms.Create(ChecksumAlgorithms.Default);
            long size = 0;
            await using (var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    md5.AppendData(buffer, 0, read);
                    checksum.Append(buffer.AsSpan(0, read));
                    size += read;
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            var payload = new ReceivedPayload(size, Convert.ToHexStringLower(md5.GetHashAndReset()), ChecksumAlgorithms.Default, checksum.Final(), ClientChecksum: false);
            return store.Commit(bucket, key, staged, payload, new ObjectAttributes(contentType, null, null, null, null, new Dictionary<string, string>()));
        }
        finally
        {
            if (File.Exists(staged)) File.Delete(staged);
        }
    }
}
