using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Notifications;
using Portal.Releases.Sync;

namespace Portal.Releases.Background;

/// <summary>Wakes <see cref="ReleaseStateSyncLoop"/> when a release goes in flight (<see cref="WorkNotify.Sync"/>).</summary>
public sealed class ReleaseSyncSignal() : WakeSignal(WorkNotify.Channel, WorkNotify.Sync);

/// <summary>
/// Follows pipeline executions (<see cref="ReleaseStateSync.SyncAllAsync"/>) every <see cref="ReleaseOptions.SyncIntervalSeconds"/>
/// while a release is in flight, and costs next to nothing while none is: it then waits for a release to go in flight
/// (<see cref="ReleaseSyncSignal"/>, sent by the trigger on releases from any instance), looking on its own only every
/// <see cref="ReleaseOptions.SyncIdlePollInterval"/>. Never overlaps itself, across instances too: a round runs under a
/// transaction-scoped Postgres advisory lock, which a crashed instance releases with its connection; an instance that
/// finds the lock taken skips the round.
/// </summary>
public sealed class ReleaseStateSyncLoop(IServiceScopeFactory scopes, IDbContextFactory<PortalDbContext> contexts, ReleaseSyncSignal signal,
    ReleaseOptions options, ILogger<ReleaseStateSyncLoop> logger) : BackgroundService
{
    /// <summary>The advisory lock key of a sync round ("release-state-sync" as 64 bits).</summary>
    public const long LockKey = 0x72656c656173_65;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var busy = TimeSpan.FromSeconds(options.SyncIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var inFlight = true;
            try
            {
                inFlight = await RoundAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Syncing release states failed; trying again in {Interval}.", busy);
            }
            try
            {
                if (inFlight)
                {
                    // Its own writes notify too: while busy, the interval alone paces it.
                    await Task.Delay(busy, stoppingToken);
                    signal.Drain();
                }
                else
                {
                    await signal.WaitAsync(options.SyncIdlePollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One sync of every release in flight, unless another round runs. Returns whether any release is in flight.</summary>
    public async Task<bool> RoundAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Releases.AnyAsync(r => (r.State == ReleaseState.InProgress || r.State == ReleaseState.WaitingForApproval)
                && r.PipelineExecutionId != null, cancellationToken))
            return false;

        using var activity = ReleaseTelemetry.Source.StartActivity("release.sync");
        await using var round = await db.Database.BeginTransactionAsync(cancellationToken);
        var mine = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"").SingleAsync(cancellationToken);
        activity?.SetTag("portal.sync.lock_taken", !mine);
        if (!mine) return true;
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ReleaseStateSync>().SyncAllAsync(cancellationToken);
        await round.CommitAsync(cancellationToken);
        return true;
    }
}
