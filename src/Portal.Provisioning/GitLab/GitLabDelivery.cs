using System.Security.Cryptography;

namespace Portal.Provisioning.GitLab;

/// <summary>
/// The request headers of one GitLab webhook delivery (GitLab docs: "Webhooks", delivery headers).
/// GitLab sends X-Gitlab-Webhook-UUID with a new random value on every request, so it never identifies a delivery;
/// X-Gitlab-Event-UUID is shared by every webhook fired by the same GitLab request; Idempotency-Key (GitLab 17.4+)
/// is one value per webhook and event that stays the same when GitLab (or a person) resends it.
/// </summary>
public sealed record GitLabDelivery(
    string? Event,
    string? Token,
    string? IdempotencyKey,
    string? EventUuid,
    string? WebhookUuid,
    string? Instance)
{
    public const string EventHeader = "X-Gitlab-Event";
    public const string TokenHeader = "X-Gitlab-Token";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string EventUuidHeader = "X-Gitlab-Event-UUID";
    public const string WebhookUuidHeader = "X-Gitlab-Webhook-UUID";
    public const string InstanceHeader = "X-Gitlab-Instance";

    /// <summary>The X-Gitlab-Event value of push events (tag pushes are "Tag Push Hook").</summary>
    public const string PushHook = "Push Hook";

    /// <summary>Longest header value stored as is; longer ones are stored as their hash (the column holds 128).</summary>
    private const int MaxStoredIdLength = 100;

    public bool IsPush => string.Equals(Event, PushHook, StringComparison.Ordinal);

    /// <summary>
    /// Identifies the delivery so that a resend is recognised: Idempotency-Key, else X-Gitlab-Event-UUID, else (GitLab
    /// older than 14.x sends neither) a hash of the body, which is the same on a resend and differs between pushes.
    /// </summary>
    public string DeliveryId(ReadOnlySpan<byte> body) =>
        Present(IdempotencyKey) ?? Present(EventUuid) ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));

    private static string? Present(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var trimmed = value.Trim();
        return trimmed.Length <= MaxStoredIdLength ? trimmed
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(trimmed)));
    }
}
