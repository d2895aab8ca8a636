using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Gives each host environment a shared listener with room and its own rule priority there: the lowest priority that
/// neither another environment holds nor a rule on the load balancer uses. Allocations take turns on one advisory lock from
/// reading the room to the insert (one short transaction, no AWS call inside), so environments placed at once never
/// overfill a load balancer. The database's unique (listener, priority) index makes it
/// impossible for two environments to hold the same one; an allocation is kept for the environment's life (updates
/// reuse it) and freed on decommission.
/// </summary>
public sealed class ListenerPriorityAllocator(ListenerCapacity capacity)
{
    private const string CapacityLock = "portal-shared-listener-capacity";

    /// <summary>
    /// The lowest free priority on the listener, run under the capacity lock (<see cref="CapacityLock"/>): each
    /// statement reads committed data afresh (read committed), so the insert sees every earlier holder's row.
    /// </summary>
    private static readonly string AllocateSql = $"""
        INSERT INTO "ListenerPriorityAllocations" ("ListenerArn", "Priority", "HostEnvironmentId", "AllocatedAt")
        SELECT @listener, c.p, @environment, now()
        FROM (
            SELECT {HostStackRenderer.MinListenerPriority} AS p
            UNION SELECT a."Priority" + 1 FROM "ListenerPriorityAllocations" a WHERE a."ListenerArn" = @listener
            UNION SELECT u + 1 FROM unnest(@used) AS u
        ) AS c
        WHERE c.p <= {HostStackRenderer.MaxListenerPriority}
          AND c.p <> ALL(@used)
          AND NOT EXISTS (SELECT 1 FROM "ListenerPriorityAllocations" a WHERE a."ListenerArn" = @listener AND a."Priority" = c.p)
        ORDER BY c.p
        LIMIT 1
        RETURNING "Priority";
        """;

    /// <summary>
    /// The environment's listener and priority, allocated on first call on the first shared listener whose load balancer
    /// has room for it (<see cref="ListenerCapacity"/>); refused in words when none has. The caller saves the environment.
    /// </summary>
    public async Task<int> EnsureAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        if (environment is { ListenerPriority: { } held, ListenerArn: not null }) return held;
        var existing = await db.ListenerPriorityAllocations.AsNoTracking()
            .FirstOrDefaultAsync(a => a.HostEnvironmentId == environment.Id, cancellationToken);
        if (existing is not null)
        {
            environment.ListenerArn = existing.ListenerArn;
            return (environment.ListenerPriority = existing.Priority).Value;
        }

        var need = ListenerCapacity.NeedOf(environment, environment.Host);
        var listings = await capacity.ListAsync(cancellationToken);
        // Environments placed at once take turns from here to the insert, so each sees the room the others took: the
        // database's allocations, not the rules at AWS, which lag until the stacks make them.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({CapacityLock}))", cancellationToken);
        var rooms = await capacity.RoomAsync(db, listings, cancellationToken);
        foreach (var (room, listing) in rooms.Zip(listings).Where(r => r.First.Fits(need)))
        {
            var listener = room.Listener.ListenerArn;
            if (await AllocateAsync(db, listener, environment.Id, listing.Priorities(), cancellationToken) is not { } priority) continue;
            await transaction.CommitAsync(cancellationToken);
            environment.ListenerArn = listener;
            return (environment.ListenerPriority = priority).Value;
        }
        throw new ProvisioningRefusedException(capacity.Full(rooms));
    }

    /// <summary>Frees the environment's priority (decommission). The caller saves.</summary>
    public static async Task ReleaseAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        await db.ListenerPriorityAllocations.Where(a => a.HostEnvironmentId == environment.Id).ExecuteDeleteAsync(cancellationToken);
        environment.ListenerPriority = null;
        environment.ListenerArn = null;
    }

    private static async Task<int?> AllocateAsync(PortalDbContext db, string listener, Guid environmentId, int[] usedOnLoadBalancer, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(AllocateSql, (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction());
        command.Parameters.AddWithValue("listener", listener);
        command.Parameters.AddWithValue("environment", environmentId);
        command.Parameters.AddWithValue("used", usedOnLoadBalancer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetInt32(0) : null;
    }
}
