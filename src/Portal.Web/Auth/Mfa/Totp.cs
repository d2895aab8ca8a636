using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Portal.Web.Auth.Mfa;

/// <summary>
/// Time-based one-time passwords as RFC 6238 defines them and authenticator apps compute them: HMAC-SHA1 of the 30-second
/// step count since the Unix epoch, dynamically truncated to 6 digits (RFC 4226 §5.3). A code of the current step or one
/// step either side is accepted (clock drift, RFC 6238 §5.2); the caller refuses a step it accepted before.
/// </summary>
public sealed class Totp(TimeProvider clock)
{
    public const int StepSeconds = 30;
    public const int Digits = 6;
    public const int SecretBytes = 20;

    /// <summary>Steps either side of now that are still accepted.</summary>
    private const int Drift = 1;

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    public long CurrentStep => clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;

    public static string CodeAt(byte[] secret, long step, int digits = Digits)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        // RFC 6238's default and what authenticator apps compute; HMAC-SHA1 is not weakened by SHA-1's collisions.
#pragma warning disable CA5350
        HMACSHA1.HashData(secret, counter, hash);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff;
        return (binary % (int)Math.Pow(10, digits)).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>The step <paramref name="code"/> belongs to, within the accepted drift of now, or null.</summary>
    public long? StepOf(byte[] secret, string? code)
    {
        code = Normalize(code);
        if (code is not { Length: Digits } || !code.All(char.IsAsciiDigit)) return null;
        var now = CurrentStep;
        long? matched = null;
        // Every candidate is computed and compared in constant time, so the answer's timing says nothing about which matched.
        for (var step = now - Drift; step <= now + Drift; step++)
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(CodeAt(secret, step)), System.Text.Encoding.ASCII.GetBytes(code)))
                matched ??= step;
        return matched;
    }

    public static string? Normalize(string? code) => code?.Replace(" ", "").Replace("-", "").Trim();
}
