using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Releases.GitLab;

/// <summary>
/// GitLab's webhook signing token (Standard Webhooks, symmetric): the token is "whsec_" + base64 of the key; GitLab
/// signs "{webhook-id}.{webhook-timestamp}.{body}" with HMAC-SHA256 and sends "v1,{base64}" in webhook-signature
/// (a space-separated list, so that a rotated key can sign too). A timestamp further than <see cref="Tolerance"/> from
/// now is refused: a captured delivery cannot be replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string TokenPrefix = "whsec_";

    /// <summary>The Standard Webhooks reference libraries' tolerance.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Token(byte[] key) => TokenPrefix + Convert.ToBase64String(key);

    /// <summary>The "v1,…" signature of a delivery, as GitLab computes it.</summary>
    public static string Sign(byte[] key, string webhookId, long timestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Mac(key, webhookId, timestamp, body));

    /// <summary>Null when the delivery is signed with the key and recent; otherwise why not, in words GitLab shows.</summary>
    public static string? Check(byte[] key, GitLabDelivery delivery, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(delivery.WebhookSignature))
            return $"The host has a signing token, but the delivery carried no {GitLabDelivery.WebhookSignatureHeader} header. " +
                "Set the webhook's signing token in GitLab, or remove it from the host.";
        if (string.IsNullOrWhiteSpace(delivery.WebhookId) || string.IsNullOrWhiteSpace(delivery.WebhookTimestamp))
            return $"A signed delivery needs the {GitLabDelivery.WebhookIdHeader} and {GitLabDelivery.WebhookTimestampHeader} headers.";
        if (!long.TryParse(delivery.WebhookTimestamp.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || timestamp > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return $"{GitLabDelivery.WebhookTimestampHeader} is not a Unix time in seconds.";
        var sent = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (sent < now - Tolerance || sent > now + Tolerance)
            return $"{GitLabDelivery.WebhookTimestampHeader} is {sent:u}, more than {Tolerance.TotalMinutes:0} minutes from the portal's clock " +
                $"({now:u}): a delivery is accepted only when it is fresh, so that a captured one cannot be replayed.";

        var expected = Mac(key, delivery.WebhookId.Trim(), timestamp, body);
        Span<byte> presented = stackalloc byte[64];
        foreach (var entry in delivery.WebhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!entry.StartsWith("v1,", StringComparison.Ordinal)) continue;
            if (Convert.TryFromBase64String(entry[3..], presented, out var written) && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(presented[..written], expected))
                return null;
        }
        return $"{GitLabDelivery.WebhookSignatureHeader} does not match the body signed with the host's signing token. " +
            "Copy the host's current signing token into the GitLab webhook.";
    }

    private static byte[] Mac(byte[] key, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{webhookId}.{timestamp.ToString(CultureInfo.InvariantCulture)}."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
