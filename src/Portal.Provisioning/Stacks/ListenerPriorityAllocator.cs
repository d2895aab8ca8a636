using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Gives each host environment a shared listener with room and its own rule priority there: the lowest priority that
/// neither another environment holds nor a rule on the load balancer uses. The database's unique (listener, priority) index makes it
/// impossible for two environments to hold the same one; an allocation is kept for the environment's life (updates
/// reuse it) and freed on decommission.
/// </summary>
public sealed class ListenerPriorityAllocator(ListenerRulePriorities loadBalancer, ListenerCapacity capacity)
{
    /// <summary>
    /// Allocators of one listener take turns on an advisory lock; lock and insert go to Postgres as one batch, which
    /// runs as one implicit transaction, so the lock is held for the insert alone and never across a round trip.
    /// Each statement reads committed data afresh (read committed), so the insert sees every earlier holder's row.
    /// </summary>
    private static readonly string AllocateSql = $"""
        SELECT pg_advisory_xact_lock(hashtext(@listener));
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
        var rooms = await capacity.RoomAsync(db, cancellationToken);
        foreach (var room in rooms.Where(r => r.Fits(need)))
        {
            var listener = room.Listener.ListenerArn;
            var used = await loadBalancer.UsedAsync(listener, cancellationToken);
            if (await AllocateAsync(db, listener, environment.Id, used, cancellationToken) is not { } priority) continue;
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
        if (db.Database.CurrentTransaction is not null)
            throw new InvalidOperationException("Priorities are allocated outside any transaction: the listener lock must end with the allocation.");
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(AllocateSql, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.AddWithValue("listener", listener);
            command.Parameters.AddWithValue("environment", environmentId);
            command.Parameters.AddWithValue("used", usedOnLoadBalancer);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? reader.GetInt32(0) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
