namespace Portal.AwsEmulator.S3;

/// <summary>
/// The reflected CRCs S3 checksums use (CRC32, CRC32C, CRC64NVME): table driven, fed in pieces as a body streams by.
/// </summary>
public sealed class Crc
{
    private static readonly ulong[] Crc32Table = Table(0xEDB88320, 32);
    private static readonly ulong[] Crc32CTable = Table(0x82F63B78, 32);
    private static readonly ulong[] Crc64NvmeTable = Table(0x9A6C9329AC4BC9B5, 64);

    private readonly ulong[] table;
    private readonly int width;
    private readonly ulong mask;
    private ulong value;

    private Crc(ulong[] table, int width)
    {
        this.table = table;
        this.width = width;
        mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        value = mask;
    }

    public static Crc Crc32() => new(Crc32Table, 32);

    public static Crc Crc32C() => new(Crc32CTable, 32);

    public static Crc Crc64Nvme() => new(Crc64NvmeTable, 64);

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = value;
        foreach (var b in data)
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        value = crc;
    }

    /// <summary>The checksum, big-endian, as S3 puts it (base64 of these bytes) in x-amz-checksum-*.</summary>
    public byte[] Final()
    {
        var result = (value ^ mask) & mask;
        var bytes = new byte[width / 8];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(result >> (8 * (bytes.Length - 1 - i)));
        return bytes;
    }

    private static ulong[] Table(ulong polynomial, int width)
    {
        var table = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var entry = i;
            for (var bit = 0; bit < 8; bit++)
                entry = (entry & 1) != 0 ? (entry >> 1) ^ polynomial : entry >> 1;
            table[i] = width == 64 ? entry : entry & 0xFFFFFFFF;
        }
        return table;
    }
}
