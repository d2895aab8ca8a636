using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Jobs;

/// <summary>
/// The safety net under the provisioning jobs: starts orders nobody started yet and resumes operations whose next
/// check is overdue (the process that should have run it died). Runs beside the job server.
/// </summary>
public sealed class ProvisioningReconciler(IServiceScopeFactory scopes, ProvisioningOptions options, TimeProvider clock, ILogger<ProvisioningReconciler> logger)
    : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ReconcileInterval, clock);
        var startingUp = true;
        do
        {
            try
            {
                await ReconcileAsync(stoppingToken, startingUp);
                startingUp = false;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Reconciling provisioning failed; trying again in {Interval}.", options.ReconcileInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <param name="startingUp">
    /// After a start nothing is waiting in this process's memory, so every check already due is resumed at once
    /// rather than once it is overdue.
    /// </param>
    public async Task ReconcileAsync(CancellationToken cancellationToken, bool startingUp = false)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var operations = scope.ServiceProvider.GetRequiredService<HostOperations>();
        var scheduler = scope.ServiceProvider.GetRequiredService<CheckScheduler>();

        var ordered = await db.Hosts.Where(h => h.State == HostState.Ordered).OrderBy(h => h.CreatedAt).Select(h => h.Id)
            .Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var hostId in ordered)
            await operations.StartProvisioningAsync(hostId, cancellationToken);

        var locks = scope.ServiceProvider.GetRequiredService<EnvironmentLock>();
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
            environment.ScheduledCheckId = Guid.NewGuid();
            environment.NextCheckAt = clock.GetUtcNow();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.Entry(environment).State = EntityState.Detached;
                continue;
            }
            logger.LogInformation("Resuming {Kind} of host {HostId}: its check was overdue.", environment.Kind, environment.HostId);
            scheduler.ScheduleEnvironmentStep(environment.Id, environment.ScheduledCheckId.Value, TimeSpan.Zero);
        }

        var overdueChanges = await db.HostChanges.Where(c => c.NextCheckAt != null && c.NextCheckAt < overdueBefore)
            .OrderBy(c => c.NextCheckAt).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var change in overdueChanges)
        {
            await using var idle = await locks.TryAcquireAsync(change.Id, cancellationToken);
            if (idle is null) continue;
            (change.ScheduledCheckId, change.NextCheckAt) = (Guid.NewGuid(), clock.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.Entry(change).State = EntityState.Detached;
                continue;
            }
            scheduler.ScheduleChangePreview(change.Id, change.ScheduledCheckId.Value, TimeSpan.Zero);
        }
    }
}
