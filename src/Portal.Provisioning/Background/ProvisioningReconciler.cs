using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Notifications;
using Portal.Provisioning.Environments;
using Portal.Provisioning.Hosts;

namespace Portal.Provisioning.Background;

/// <summary>Wakes <see cref="ProvisioningReconciler"/> when a host is ordered, by any writer of any instance (<see cref="WorkNotify.Order"/>).</summary>
public sealed class ProvisioningOrderSignal() : WakeSignal(WorkNotify.Channel, WorkNotify.Order);

/// <summary>
/// The safety net under the provisioning jobs: starts orders nobody started yet and resumes operations whose next
/// check is overdue (the process that should have run it died). Runs beside the job server. Idle, it waits: for an order
/// (<see cref="ProvisioningOrderSignal"/>), for the moment the earliest recorded check would be overdue, or at most
/// <see cref="ProvisioningOptions.ReconcileInterval"/>.
/// </summary>
public sealed class ProvisioningReconciler(IDbContextFactory<PortalDbContext> contexts, HostOperations operations, EnvironmentLock locks,
    CheckScheduler scheduler, ProvisioningOrderSignal orders, ProvisioningOptions options, TimeProvider clock, ILogger<ProvisioningReconciler> logger)
    : BackgroundService
{
    private const int BatchSize = 200;

    /// <summary>Shortest wait between two rounds, so that a burst of orders is reconciled together.</summary>
    private static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startingUp = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.ReconcileInterval;
            try
            {
                wait = await ReconcileAsync(stoppingToken, startingUp);
                startingUp = false;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Reconciling provisioning failed; trying again in {Interval}.", options.ReconcileInterval);
            }
            try
            {
                await Task.Delay(MinWait, clock, stoppingToken);
                await orders.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <param name="startingUp">
    /// After a start nothing is waiting in this process's memory, so every check already due is resumed at once
    /// rather than once it is overdue.
    /// </param>
    /// <returns>How long until the next round is due: when the earliest check recorded now would be overdue, at most the interval.</returns>
    public async Task<TimeSpan> ReconcileAsync(CancellationToken cancellationToken, bool startingUp = false)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ordered = await db.Hosts.Where(h => h.State == HostState.Ordered).OrderBy(h => h.CreatedAt).Select(h => h.Id)
            .Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var hostId in ordered)
            await operations.StartProvisioningAsync(hostId, cancellationToken);

        var overdueBefore = clock.GetUtcNow() - (startingUp ? TimeSpan.Zero : options.OverdueAfter);
        var overdue = await db.HostEnvironments
            .Where(e => e.NextCheckAt != null && e.NextCheckAt < overdueBefore)
            .OrderBy(e => e.NextCheckAt).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var environment in overdue)
        {
            // A step that is merely slow (AWS taking its time) still holds the lock: leave it be, or its save would
            // lose to this resumption again and again.
            await using var idle = await locks.TryAcquireAsync(environment.Id, cancellationToken);
            if (idle is null) continue;
            var now = clock.GetUtcNow();
            var check = environment.ScheduleCheck(now, now);
            if (!await SavedAsync(db, environment, cancellationToken)) continue;
            logger.LogInformation("Resuming {Kind} of host {HostId}: its check was overdue.", environment.Kind, environment.HostId);
            scheduler.ScheduleEnvironmentStep(environment.Id, check, TimeSpan.Zero);
        }

        var overdueChanges = await db.HostChanges.Where(c => c.NextCheckAt != null && c.NextCheckAt < overdueBefore)
            .OrderBy(c => c.NextCheckAt).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var change in overdueChanges)
        {
            await using var idle = await locks.TryAcquireAsync(change.Id, cancellationToken);
            if (idle is null) continue;
            var now = clock.GetUtcNow();
            var check = change.ScheduleCheck(now, now);
            if (!await SavedAsync(db, change, cancellationToken)) continue;
            scheduler.ScheduleChangePreview(change.Id, check, TimeSpan.Zero);
        }

        // The earliest check not overdue yet; one overdue but held by a slow step is looked at again after the interval.
        var notYet = clock.GetUtcNow() - options.OverdueAfter;
        var nextEnvironmentCheck = await db.HostEnvironments.Where(e => e.NextCheckAt >= notYet).MinAsync(e => e.NextCheckAt, cancellationToken);
        var nextChangeCheck = await db.HostChanges.Where(c => c.NextCheckAt >= notYet).MinAsync(c => c.NextCheckAt, cancellationToken);
        if (new[] { nextEnvironmentCheck, nextChangeCheck }.Min() is not { } earliest) return options.ReconcileInterval;
        // Never negative: the check may have become overdue since the query read it.
        var untilOverdue = earliest + options.OverdueAfter - clock.GetUtcNow();
        return untilOverdue < TimeSpan.Zero ? TimeSpan.Zero : untilOverdue < options.ReconcileInterval ? untilOverdue : options.ReconcileInterval;
    }

    /// <summary>False when someone changed the row meanwhile (they scheduled their own look).</summary>
    private static async Task<bool> SavedAsync(PortalDbContext db, object entity, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.Entry(entity).State = EntityState.Detached;
            return false;
        }
    }
}
