using Hangfire;
using Portal.Provisioning.Releases;

namespace Portal.Provisioning.Jobs;

/// <summary>The recurring Hangfire job that follows pipeline executions (every <see cref="ReleaseOptions.SyncIntervalSeconds"/>).</summary>
public sealed class ReleaseStateSyncJob(ReleaseStateSync sync)
{
    public const string RecurringJobId = "release-state-sync";

    /// <summary>Not retried (the next run comes soon) and never run twice at once (two runs would fight over the same rows).</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public Task RunAsync(CancellationToken cancellationToken) => sync.SyncAllAsync(cancellationToken);
}
