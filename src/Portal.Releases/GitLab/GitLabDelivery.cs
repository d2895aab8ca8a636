using System.Security.Cryptography;

namespace Portal.Releases.GitLab;

/// <summary>
/// The request headers of one GitLab webhook delivery (GitLab docs: "Webhooks", delivery headers; app/services/web_hook_service.rb).
/// GitLab sends X-Gitlab-Webhook-UUID with a new random value on every request, so it never identifies a delivery;
/// X-Gitlab-Event-UUID is shared by every webhook fired by the same GitLab request; Idempotency-Key (GitLab 17.4+)
/// is one value per webhook and event that stays the same when GitLab (or a person) resends it. A hook with a signing
/// token also sends the Standard Webhooks headers webhook-id (its Idempotency-Key), webhook-timestamp and webhook-signature.
/// </summary>
public sealed record GitLabDelivery(
    string? Event,
    string? Token,
    string? IdempotencyKey,
    string? EventUuid,
    string? WebhookUuid,
    string? Instance,
    string? WebhookId = null,
    string? WebhookTimestamp = null,
    string? WebhookSignature = null)
{
    public const string EventHeader = "X-Gitlab-Event";
    public const string TokenHeader = "X-Gitlab-Token";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string EventUuidHeader = "X-Gitlab-Event-UUID";
    public const string WebhookUuidHeader = "X-Gitlab-Webhook-UUID";
    public const string InstanceHeader = "X-Gitlab-Instance";
    public const string WebhookIdHeader = "webhook-id";
    public const string WebhookTimestampHeader = "webhook-timestamp";
    public const string WebhookSignatureHeader = "webhook-signature";

    /// <summary>The X-Gitlab-Event value of push events (tag pushes are "Tag Push Hook").</summary>
    public const string PushHook = "Push Hook";

    /// <summary>What every system hook sends as X-Gitlab-Event (WebHookService.hook_to_event), whatever the event.</summary>
    public const string SystemHook = "System Hook";

    /// <summary>Longest header value stored as is; longer ones are stored as their hash (the column holds 128).</summary>
    private const int MaxStoredIdLength = 100;

    public bool IsPush => string.Equals(Event, PushHook, StringComparison.Ordinal);

    public bool IsSigned => !string.IsNullOrEmpty(WebhookSignature);

    /// <summary>Whether the delivery id must be taken from the body (GitLab older than 14.x sends no id header).</summary>
    public bool NeedsBodyHash => Present(IdempotencyKey) is null && Present(EventUuid) is null;

    /// <summary>
    /// Identifies the delivery so that a resend is recognised: Idempotency-Key, else X-Gitlab-Event-UUID, else a hash of
    /// the body (<paramref name="bodySha256"/>, asked for only then), which is the same on a resend and differs between pushes.
    /// </summary>
    public string DeliveryId(Func<byte[]> bodySha256) =>
        Present(IdempotencyKey) ?? Present(EventUuid) ?? "sha256:" + Convert.ToHexStringLower(bodySha256());

    private static string? Present(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var trimmed = value.Trim();
        if (trimmed.Length <= MaxStoredIdLength && Portal.Data.Text.PostgresText.IsStorable(trimmed)) return trimmed;
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(trimmed)));
    }
}
