using System.Security.Cryptography;
using System.Text;

namespace Portal.Data.Security;

/// <summary>
/// High-entropy secrets handed to people (API tokens, webhook tokens): generated here, stored only as a SHA-256 hash.
/// A fast hash is right for 256-bit random tokens; it is passwords that need a slow one.
/// </summary>
public static class SecretToken
{
    public static string Generate(string prefix) =>
        prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Compares a presented token with a stored hash in constant time.</summary>
    public static bool Matches(string presented, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Hash(presented)),
            Encoding.ASCII.GetBytes(storedHash));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
