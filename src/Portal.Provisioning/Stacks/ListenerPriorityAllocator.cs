using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Gives each host environment its own rule priority on the shared listener: the lowest priority that neither another
/// environment holds nor a rule on the load balancer uses. The database's unique (listener, priority) index makes it
/// impossible for two environments to hold the same one; an allocation is kept for the environment's life (updates
/// reuse it) and freed on decommission.
/// </summary>
public sealed class ListenerPriorityAllocator(PortalDbContext db, ListenerRulePriorities loadBalancer, PlatformSettings platform)
{
    private const int Attempts = 5;

    public async Task<int> EnsureAsync(HostEnvironment environment, CancellationToken cancellationToken)
    {
        if (environment.ListenerPriority is { } held) return held;
        var listener = platform.SharedListenerArn;
        var existing = await db.ListenerPriorityAllocations.AsNoTracking()
            .FirstOrDefaultAsync(a => a.HostEnvironmentId == environment.Id, cancellationToken);
        if (existing is not null)
        {
            environment.ListenerPriority = existing.Priority;
            await db.SaveChangesAsync(cancellationToken);
            return existing.Priority;
        }

        int[] usedOnLoadBalancer;
        try
        {
            usedOnLoadBalancer = await loadBalancer.UsedAsync(listener, cancellationToken);
        }
        catch (AwsNotFoundException e)
        {
            throw new ProvisioningRefusedException($"The shared platform is not ready: its listener {listener} was not found ({e.Code}). An operator must deploy the platform stack and set Platform:SharedListenerArn.");
        }
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Allocators of one listener take turns; the unique index stays the guarantee.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({listener}))", cancellationToken);
            var priority = await LowestFreeAsync(listener, usedOnLoadBalancer, cancellationToken)
                ?? throw new InvalidOperationException($"No free rule priority left on the shared listener {listener}.");
            db.ListenerPriorityAllocations.Add(new ListenerPriorityAllocation { ListenerArn = listener, Priority = priority, HostEnvironmentId = environment.Id });
            environment.ListenerPriority = priority;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return priority;
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && attempt < Attempts)
            {
                await transaction.RollbackAsync(cancellationToken);
                foreach (var entry in db.ChangeTracker.Entries<ListenerPriorityAllocation>().Where(x => x.State == EntityState.Added).ToList())
                    entry.State = EntityState.Detached;
                environment.ListenerPriority = null;
            }
        }
    }

    /// <summary>Frees the environment's priority (decommission). The caller saves.</summary>
    public async Task ReleaseAsync(HostEnvironment environment, CancellationToken cancellationToken)
    {
        await db.ListenerPriorityAllocations.Where(a => a.HostEnvironmentId == environment.Id).ExecuteDeleteAsync(cancellationToken);
        environment.ListenerPriority = null;
    }

    /// <summary>
    /// The lowest priority neither allocated nor used on the load balancer. It is 1 or follows a taken one, so only
    /// those candidates are looked at (index lookups), however many hosts the listener serves.
    /// </summary>
    private async Task<int?> LowestFreeAsync(string listener, int[] usedOnLoadBalancer, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<int>($"""
            SELECT c.p AS "Value"
            FROM (
                SELECT {HostStackRenderer.MinListenerPriority} AS p
                UNION SELECT a."Priority" + 1 FROM "ListenerPriorityAllocations" a WHERE a."ListenerArn" = {listener}
                UNION SELECT u + 1 FROM unnest({usedOnLoadBalancer}) AS u
            ) AS c
            WHERE c.p <= {HostStackRenderer.MaxListenerPriority}
              AND c.p <> ALL({usedOnLoadBalancer})
              AND NOT EXISTS (SELECT 1 FROM "ListenerPriorityAllocations" a WHERE a."ListenerArn" = {listener} AND a."Priority" = c.p)
            ORDER BY c.p
            LIMIT 1
            """).Cast<int?>().FirstOrDefaultAsync(cancellationToken);
}
