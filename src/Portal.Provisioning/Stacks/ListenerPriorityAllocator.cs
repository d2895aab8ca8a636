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
    /// The lowest free priorities on the listener, one for each environment in order, run under the capacity lock
    /// (<see cref="CapacityLock"/>): each statement reads committed data afresh (read committed), so it sees every
    /// earlier holder's rows. Fewer rows than environments come back only when the listener has no priority left.
    /// </summary>
    private static readonly string AllocateSql = $"""
        INSERT INTO "ListenerPriorityAllocations" ("ListenerArn", "Priority", "HostEnvironmentId", "AllocatedAt")
        SELECT @listener, free.p, e.id, now()
        FROM (
            SELECT p, row_number() OVER (ORDER BY p) AS n
            FROM (
                -- The lowest n free ones lie within the first (held + used + n) priorities.
                SELECT p FROM generate_series({HostStackRenderer.MinListenerPriority}, least({HostStackRenderer.MaxListenerPriority},
                    {HostStackRenderer.MinListenerPriority} + cardinality(@used) + cardinality(@environments)
                    + (SELECT count(*) FROM "ListenerPriorityAllocations" a WHERE a."ListenerArn" = @listener)::int)) AS p
                WHERE p <> ALL(@used)
                  AND NOT EXISTS (SELECT 1 FROM "ListenerPriorityAllocations" a WHERE a."ListenerArn" = @listener AND a."Priority" = p)
                ORDER BY p
                LIMIT cardinality(@environments)
            ) AS lowest
        ) AS free
        JOIN unnest(@environments) WITH ORDINALITY AS e(id, n) ON e.n = free.n
        RETURNING "HostEnvironmentId", "Priority";
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
        var (listener, priority) = await HeldAsync(db, environment, cancellationToken) ?? await PlaceAsync(environment, cancellationToken);
        environment.ListenerArn = listener;
        return (environment.ListenerPriority = priority).Value;
    }

    /// <summary>The listener and priority the environment holds already, if any (also one whose caller crashed before saving it).</summary>
    public static async Task<(string Listener, int Priority)?> HeldAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        if (environment is { ListenerPriority: { } priority, ListenerArn: { } listener }) return (listener, priority);
        var existing = await db.ListenerPriorityAllocations.AsNoTracking()
            .FirstOrDefaultAsync(a => a.HostEnvironmentId == environment.Id, cancellationToken);
        return existing is null ? null : (existing.ListenerArn, existing.Priority);
    }

    /// <summary>
    /// Places an environment that holds no priority (<see cref="HeldAsync"/>) on its own connection, so the caller's context
    /// stays free meanwhile; refused with <see cref="ProvisioningRefusedException"/> when no load balancer has room.
    /// </summary>
    public Task<(string Listener, int Priority)> PlaceAsync(HostEnvironment environment, CancellationToken cancellationToken)
    {
        var placement = new Placement(environment.Id, ListenerCapacity.NeedOf(environment, environment.Host));
        bool start;
        lock (gate)
        {
            // One placement per environment in a turn: a second insert for it would fail the whole turn.
            if (waiting.Find(p => p.EnvironmentId == environment.Id) is { } asked) return asked.Outcome.Task.WaitAsync(cancellationToken);
            waiting.Add(placement);
            start = !placing;
            placing = true;
        }
        // The turns run apart from any one caller, so a caller that gives up (its job cancelled) stops no one else's.
        if (start) _ = Task.Run(TakeTurnsAsync, CancellationToken.None);
        return placement.Outcome.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Frees the environment's priority (decommission). The caller saves.</summary>
    public static async Task ReleaseAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        await db.ListenerPriorityAllocations.Where(a => a.HostEnvironmentId == environment.Id).ExecuteDeleteAsync(cancellationToken);
        environment.ListenerPriority = null;
        environment.ListenerArn = null;
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
        var onListener = new List<Placement>[rooms.Count];
        foreach (var placement in batch)
        {
            if (earlier.TryGetValue(placement.EnvironmentId, out var held))
            {
                placed.Add((placement, held.ListenerArn, held.Priority));
                continue;
            }
            // The first listener with room; what it takes counts for the rest of the batch.
            var index = rooms.FindIndex(r => r.Fits(placement.Need));
            if (index < 0)
            {
                placement.Outcome.TrySetException(new ProvisioningRefusedException(capacity.Full(rooms)));
                continue;
            }
            rooms[index] = rooms[index].Less(placement.Need);
            (onListener[index] ??= []).Add(placement);
        }
        for (var i = 0; i < rooms.Count; i++)
        {
            if (onListener[i] is not { } placements) continue;
            var listener = rooms[i].Listener.ListenerArn;
            var priorities = await AllocateAsync(db, listener, placements, listings[i].Priorities(), cancellationToken);
            foreach (var placement in placements)
            {
                if (priorities.TryGetValue(placement.EnvironmentId, out var priority))
                    placed.Add((placement, listener, priority));
                else
                    placement.Outcome.TrySetException(new ProvisioningRefusedException(
                        $"The shared listener {listener} has no rule priority left ({HostStackRenderer.MinListenerPriority}-{HostStackRenderer.MaxListenerPriority})."));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        foreach (var (placement, listener, priority) in placed) placement.Outcome.TrySetResult((listener, priority));
    }

    private static async Task<Dictionary<Guid, int>> AllocateAsync(PortalDbContext db, string listener, List<Placement> placements,
        int[] usedOnLoadBalancer, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(AllocateSql, (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction());
        command.Parameters.AddWithValue("listener", listener);
        command.Parameters.AddWithValue("environments", placements.Select(p => p.EnvironmentId).ToArray());
        command.Parameters.AddWithValue("used", usedOnLoadBalancer);
        var priorities = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) priorities[reader.GetGuid(0)] = reader.GetInt32(1);
        return priorities;
    }

    /// <summary>An environment waiting for its turn.</summary>
    private sealed record Placement(Guid EnvironmentId, ListenerCapacity.Need Need)
    {
        public TaskCompletionSource<(string Listener, int Priority)> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
