using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Gives each host environment a shared listener with room and its own rule priority there: the lowest priority that
/// neither another environment holds nor a rule on the load balancer uses. Placements take turns on one advisory lock from
/// reading the room to the insert (one short transaction, no AWS call inside), so environments placed at once never
/// overfill a load balancer. The environments of a process that ask meanwhile are placed together in the next turn: a
/// burst of orders costs one turn per batch, not one each, and so does not queue on the lock. The database's unique
/// (listener, priority) index makes it impossible for two environments to hold the same one; an allocation is kept for
/// the environment's life (updates reuse it) and freed on decommission.
/// </summary>
public sealed class ListenerPriorityAllocator(ListenerCapacity capacity, IDbContextFactory<PortalDbContext> contexts)
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

    private readonly Lock gate = new();
    private readonly List<Placement> waiting = [];
    private bool placing;

    /// <summary>
    /// The environment's listener and priority, allocated on first call on the first shared listener whose load balancer
    /// has room for it (<see cref="ListenerCapacity"/>); refused in words when none has. The caller saves the environment.
    /// </summary>
    public async Task<int> EnsureAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        if (environment is { ListenerPriority: { } held, ListenerArn: not null }) return held;
        var existing = await db.ListenerPriorityAllocations.AsNoTracking()
            .FirstOrDefaultAsync(a => a.HostEnvironmentId == environment.Id, cancellationToken);
        var (listener, priority) = existing is not null
            ? (existing.ListenerArn, existing.Priority)
            : await PlaceAsync(new Placement(environment.Id, ListenerCapacity.NeedOf(environment, environment.Host)), cancellationToken);
        environment.ListenerArn = listener;
        return (environment.ListenerPriority = priority).Value;
    }

    /// <summary>Frees the environment's priority (decommission). The caller saves.</summary>
    public static async Task ReleaseAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        await db.ListenerPriorityAllocations.Where(a => a.HostEnvironmentId == environment.Id).ExecuteDeleteAsync(cancellationToken);
        environment.ListenerPriority = null;
        environment.ListenerArn = null;
    }

    private Task<(string Listener, int Priority)> PlaceAsync(Placement placement, CancellationToken cancellationToken)
    {
        bool start;
        lock (gate)
        {
            waiting.Add(placement);
            start = !placing;
            placing = true;
        }
        // The turns run apart from any one caller, so a caller that gives up (its job cancelled) stops no one else's.
        if (start) _ = Task.Run(TakeTurnsAsync, CancellationToken.None);
        return placement.Outcome.Task.WaitAsync(cancellationToken);
    }

    private async Task TakeTurnsAsync()
    {
        while (true)
        {
            List<Placement> batch;
            lock (gate)
            {
                if (waiting.Count == 0)
                {
                    placing = false;
                    return;
                }
                batch = [.. waiting];
                waiting.Clear();
            }
            try
            {
                await PlaceTogetherAsync(batch);
            }
            catch (Exception e)
            {
                foreach (var placement in batch) placement.Outcome.TrySetException(e);
            }
        }
    }

    /// <summary>One turn on the capacity lock for a batch; each placement ends placed (after the commit) or refused.</summary>
    private async Task PlaceTogetherAsync(List<Placement> batch)
    {
        // Not any caller's token: a turn serves many. The database's and AWS client's timeouts bound it.
        var cancellationToken = CancellationToken.None;
        var listings = await capacity.ListAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Environments placed at once take turns from here to the insert, so each sees the room the others took: the
        // database's allocations, not the rules at AWS, which lag until the stacks make them.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({CapacityLock}))", cancellationToken);
        var ids = batch.Select(p => p.EnvironmentId).ToList();
        // Placed already by an earlier turn whose caller gave up before it ended.
        var earlier = await db.ListenerPriorityAllocations.AsNoTracking().Where(a => ids.Contains(a.HostEnvironmentId))
            .ToDictionaryAsync(a => a.HostEnvironmentId, a => (a.ListenerArn, a.Priority), cancellationToken);
        var rooms = (await capacity.RoomAsync(db, listings, cancellationToken)).ToList();
        var placed = new List<(Placement Placement, string Listener, int Priority)>();
        foreach (var placement in batch)
        {
            if (earlier.TryGetValue(placement.EnvironmentId, out var held))
                placed.Add((placement, held.ListenerArn, held.Priority));
            else if (await AllocateAsync(db, rooms, listings, placement, cancellationToken) is { } allocation)
                placed.Add((placement, allocation.Listener, allocation.Priority));
            else
                placement.Outcome.TrySetException(new ProvisioningRefusedException(capacity.Full(rooms)));
        }
        await transaction.CommitAsync(cancellationToken);
        foreach (var (placement, listener, priority) in placed) placement.Outcome.TrySetResult((listener, priority));
    }

    /// <summary>On the first listener with room and a free priority; the room it takes is counted for the rest of the batch.</summary>
    private static async Task<(string Listener, int Priority)?> AllocateAsync(PortalDbContext db, List<ListenerCapacity.Room> rooms,
        IReadOnlyList<ListenerCapacity.Listing> listings, Placement placement, CancellationToken cancellationToken)
    {
        for (var i = 0; i < rooms.Count; i++)
        {
            if (!rooms[i].Fits(placement.Need)) continue;
            var listener = rooms[i].Listener.ListenerArn;
            if (await AllocateAsync(db, listener, placement.EnvironmentId, listings[i].Priorities(), cancellationToken) is not { } priority) continue;
            rooms[i] = rooms[i].Less(placement.Need);
            return (listener, priority);
        }
        return null;
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

    /// <summary>An environment waiting for its turn.</summary>
    private sealed record Placement(Guid EnvironmentId, ListenerCapacity.Need Need)
    {
        public TaskCompletionSource<(string Listener, int Priority)> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
