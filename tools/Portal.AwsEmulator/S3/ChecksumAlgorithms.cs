using System.Security.Cryptography;

namespace Portal.AwsEmulator.S3;

/// <summary>The additional checksums S3 accepts (x-amz-checksum-*), each computed incrementally.</summary>
public static class ChecksumAlgorithms
{
    public static readonly IReadOnlyList<string> All = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

    /// <summary>What S3 computes for an object uploaded without a checksum of its own.</summary>
    public const string Default = "CRC64NVME";

    public static bool IsKnown(string algorithm) => All.Contains(algorithm);

    public static string Header(string algorithm) => "x-amz-checksum-" + algorithm.ToLowerInvariant();

    /// <summary>The algorithm a header or trailer such as "x-amz-checksum-crc32" names, or null.</summary>
    public static string? FromHeader(string header) =>
        header.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) && header.Length > 15
            && All.FirstOrDefault(a => a.Equals(header[15..], StringComparison.OrdinalIgnoreCase)) is { } algorithm
            ? algorithm
            : null;

    public static IIncrementalChecksum Create(string algorithm) => algorithm switch
    {
        "CRC32" => new CrcChecksum(Crc.Crc32()),
        "CRC32C" => new CrcChecksum(Crc.Crc32C()),
        "CRC64NVME" => new CrcChecksum(Crc.Crc64Nvme()),
        "SHA1" => new HashChecksum(IncrementalHash.CreateHash(HashAlgorithmName.SHA1)),
        "SHA256" => new HashChecksum(IncrementalHash.CreateHash(HashAlgorithmName.SHA256)),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not an S3 checksum algorithm."),
    };

    public interface IIncrementalChecksum
    {
        void Append(ReadOnlySpan<byte> data);

        /// <summary>The digest as S3 writes it: base64.</summary>
        string Final();
    }

    private sealed class CrcChecksum(Crc crc) : IIncrementalChecksum
    {
        public void Append(ReadOnlySpan<byte> data) => crc.Append(data);

        public string Final() => Convert.ToBase64String(crc.Final());
    }

    private sealed class HashChecksum(IncrementalHash hash) : IIncrementalChecksum
    {
        public void Append(ReadOnlySpan<byte> data) => hash.AppendData(data);

        public string Final()
        {
            using (hash) return Convert.ToBase64String(hash.GetHashAndReset());
        }
    }
}
