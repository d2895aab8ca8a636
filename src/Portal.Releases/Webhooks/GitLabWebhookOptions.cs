namespace Portal.Releases.Webhooks;

/// <summary>Settings of <c>POST /hooks/gitlab</c> (section "Webhooks").</summary>
public sealed class GitLabWebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>GitLab's own limit (WebHookService::REQUEST_BODY_SIZE_LIMIT, 25 MB); larger bodies are refused with 413 as they are read.</summary>
    public int MaxBodyBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Deliveries per host with a valid token: a token bucket this deep...</summary>
    public int RateLimitBurst { get; set; } = 200;

    /// <summary>
    /// ...refilled at this many per second. Beyond it a delivery waits (a few seconds at most, well inside GitLab's 10 s
    /// timeout) and is then taken all the same: a genuine push is paced, never refused.
    /// </summary>
    public int RateLimitPerSecond { get; set; } = 50;

    /// <summary>Deliveries refused for their token, per source address: a bucket this deep...</summary>
    public int RefusedRateLimitBurst { get; set; } = 20;

    /// <summary>
    /// ...refilled at this many per second; past it such deliveries get 429 before any database work. Per address only
    /// for refusals: a self-managed GitLab sends every customer's hooks from a few addresses.
    /// </summary>
    public int RefusedRateLimitPerSecond { get; set; } = 2;

    /// <summary>At most one audit entry per host and this window for deliveries refused for a wrong or missing token.</summary>
    public TimeSpan RejectedTokenAuditWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Base64 of at least 32 random bytes: hosts' GitLab signing tokens are derived from it (and the host), so none is
    /// stored. Without it, signing tokens cannot be created. Every portal instance needs the same value.
    /// </summary>
    public string? SigningKey { get; set; }

    public void Validate()
    {
        if (MaxBodyBytes is < 1024 or > 100 * 1024 * 1024)
            throw new InvalidOperationException($"{Section}:{nameof(MaxBodyBytes)} must be between 1 KiB and 100 MiB (is {MaxBodyBytes}).");
        foreach (var (name, value) in new[]
                 {
                     (nameof(RateLimitBurst), RateLimitBurst), (nameof(RateLimitPerSecond), RateLimitPerSecond),
                     (nameof(RefusedRateLimitBurst), RefusedRateLimitBurst), (nameof(RefusedRateLimitPerSecond), RefusedRateLimitPerSecond),
                 })
            if (value < 1) throw new InvalidOperationException($"{Section}:{name} must be at least 1 (is {value}).");
        if (RejectedTokenAuditWindow <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(RejectedTokenAuditWindow)} must be positive.");
        if (SigningKey is not null && SigningKeyBytes() is not { Length: >= 32 })
            throw new InvalidOperationException($"{Section}:{nameof(SigningKey)} must be base64 of at least 32 bytes.");
    }

    public byte[]? SigningKeyBytes()
    {
        if (string.IsNullOrWhiteSpace(SigningKey)) return null;
        var bytes = new byte[SigningKey.Length];
        return Convert.TryFromBase64String(SigningKey.Trim(), bytes, out var written) ? bytes[..written] : null;
    }
}
