using System.Threading.RateLimiting;

namespace Portal.Releases.Webhooks;

/// <summary>
/// Rate limits that never lose a genuine push: deliveries refused for their token are limited per source address (429
/// once past it, before any database work), and deliveries with a valid token are paced per host (they wait, and are
/// taken all the same when the wait would be long), so that one tenant's flood cannot crowd out the others.
/// </summary>
public sealed class WebhookThrottle : IAsyncDisposable
{
    private static readonly TimeSpan MaxPacingWait = TimeSpan.FromSeconds(3);

    private readonly PartitionedRateLimiter<string> refusals;
    private readonly PartitionedRateLimiter<Guid> hosts;

    public WebhookThrottle(GitLabWebhookOptions options)
    {
        refusals = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.RefusedRateLimitBurst,
                TokensPerPeriod = options.RefusedRateLimitPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        hosts = PartitionedRateLimiter.Create<Guid, Guid>(host => RateLimitPartition.GetTokenBucketLimiter(host, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.RateLimitBurst,
                TokensPerPeriod = options.RateLimitPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = (int)Math.Min(int.MaxValue, (long)options.RateLimitPerSecond * (long)MaxPacingWait.TotalSeconds),
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Null when one more refusal may be answered for this address; otherwise how long it should wait.</summary>
    public TimeSpan? RefusalRetryAfter(string? sourceAddress)
    {
        using var lease = refusals.AttemptAcquire(sourceAddress ?? "unknown");
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
    }

    /// <summary>Waits while the host is over its rate; never refuses (a full queue, or a long wait, goes on at once).</summary>
    public async ValueTask PaceAsync(Guid hostId, CancellationToken cancellationToken)
    {
        using var lease = hosts.AttemptAcquire(hostId);
        if (lease.IsAcquired) return;
        using var waited = await hosts.AcquireAsync(hostId, 1, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await refusals.DisposeAsync();
        await hosts.DisposeAsync();
    }
}
