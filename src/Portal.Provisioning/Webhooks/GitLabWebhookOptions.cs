namespace Portal.Provisioning.Webhooks;

/// <summary>Settings of <c>POST /hooks/gitlab</c> (section "Webhooks").</summary>
public sealed class GitLabWebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Bodies larger than this are refused with 413 while they are being read.</summary>
    public int MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Requests per source address: a token bucket this deep...</summary>
    public int RateLimitBurst { get; set; } = 200;

    /// <summary>...refilled at this many requests per second. One self-managed GitLab sends every customer's pushes from one address.</summary>
    public int RateLimitPerSecond { get; set; } = 50;

    /// <summary>At most one audit entry per host and this window for deliveries refused for a wrong or missing token.</summary>
    public TimeSpan RejectedTokenAuditWindow { get; set; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        if (MaxBodyBytes is < 1024 or > 100 * 1024 * 1024)
            throw new InvalidOperationException($"{Section}:{nameof(MaxBodyBytes)} must be between 1 KiB and 100 MiB (is {MaxBodyBytes}).");
        if (RateLimitBurst < 1)
            throw new InvalidOperationException($"{Section}:{nameof(RateLimitBurst)} must be at least 1 (is {RateLimitBurst}).");
        if (RateLimitPerSecond < 1)
            throw new InvalidOperationException($"{Section}:{nameof(RateLimitPerSecond)} must be at least 1 (is {RateLimitPerSecond}).");
        if (RejectedTokenAuditWindow <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(RejectedTokenAuditWindow)} must be positive.");
    }
}
