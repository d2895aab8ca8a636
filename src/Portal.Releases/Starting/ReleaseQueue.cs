using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Text;
using Portal.Releases.GitLab;

namespace Portal.Releases.Starting;

/// <summary>
/// Turns accepted push deliveries into pending releases, oldest first: the webhook records only the delivery, so that a
/// push costs one row while GitLab waits, and <see cref="ReleaseStarter"/> makes its release when it starts it. Runs in
/// the caller's transaction, on the caller's DbContext: the deliveries stay locked (FOR
/// UPDATE SKIP LOCKED) until it commits, so concurrent starters never make a release twice, and a rollback or a crash
/// leaves the delivery accepted, to be taken again. GitLab delivers from Sidekiq, in no guaranteed order: a push whose
/// commit is older than one already released on its branch is superseded rather than started after it.
/// </summary>
public sealed class ReleaseQueue(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    /// <summary>
    /// Takes up to <paramref name="max"/> accepted deliveries and adds their pending releases to the DbContext (not saved:
    /// the caller saves and commits). Returns the releases made; a delivery naming no environment of its host is failed,
    /// one older than a released push of its branch is superseded.
    /// </summary>
    public async Task<List<Release>> TakeAsync(PortalDbContext db, int max, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Taking accepted deliveries needs the caller's transaction: their locks must last until the releases are saved.");
        var accepted = await db.PushDeliveries
            .FromSql($"""
                SELECT * FROM "PushDeliveries"
                WHERE "Status" = 'Accepted'
                ORDER BY "ReceivedAt"
                LIMIT {max}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        var made = new List<Release>();
        if (accepted.Count == 0) return made;

        var hostIds = accepted.Select(d => d.HostId).Distinct().ToList();
        var environments = await db.HostEnvironments.Where(e => hostIds.Contains(e.HostId))
            .Select(e => new { e.Id, e.HostId, e.Kind })
            .ToDictionaryAsync(e => (e.HostId, e.Kind), e => e.Id, cancellationToken);
        var now = time.GetUtcNow();
        var madeNow = new List<PushDelivery>();
        foreach (var delivery in accepted.OrderBy(d => d.CommittedAt ?? d.ReceivedAt))
        {
            if (delivery.ReleaseId is not { } releaseId || delivery.Environment is not { } kind || PushEvent.BranchOf(delivery.Ref) is not { } branch
                || !environments.TryGetValue((delivery.HostId!.Value, kind), out var environmentId))
            {
                delivery.Status = DeliveryStatus.Failed;
                delivery.StatusReason = "The delivery names no environment of its host to release to.";
                continue;
            }
            if (await NewerReleasedAsync(db, delivery, madeNow, cancellationToken) is { } newer)
            {
                delivery.Status = DeliveryStatus.Superseded;
                delivery.IgnoredBecause = IgnoredBecause.NewerPushReleased;
                delivery.StatusReason = PostgresText.Clip($"Commit {Commits.Short(delivery.After)} is older than commit {Commits.Short(newer.After)}, already " +
                    "released from this branch (GitLab delivered the pushes out of order); an older commit never starts after a newer one.", 2000);
                continue;
            }
            var release = new Release
            {
                Id = releaseId,
                HostEnvironmentId = environmentId,
                PushDeliveryId = delivery.Id,
                CommitId = delivery.After,
                Branch = branch,
                AuthorUserId = delivery.UserId,
                AuthorUsername = delivery.UserUsername,
                AuthorEmail = delivery.UserEmail,
                Message = delivery.Message,
                PushedAt = delivery.ReceivedAt,
                ClientRequestToken = ReleaseTokens.ForDelivery(environmentId, delivery.DeliveryId),
                CreatedAt = delivery.ReceivedAt,
                UpdatedAt = now,
            };
            db.Releases.Add(release);
            made.Add(release);
            madeNow.Add(delivery);
            delivery.Status = DeliveryStatus.Queued;
        }
        return made;
    }

    /// <summary>What a held push whose environment was removed (by a change, or with its host) before it was Active says.</summary>
    public const string RemovedBeforeRelease = "The environment was removed before the push could be released.";

    /// <summary>
    /// Releases the pushes held while their environment was being built, once it is Active: the newest push of each
    /// branch becomes accepted, the others are superseded. A push held for an environment that is removed instead (its
    /// decommission began, or its host's) will never be released and is ignored, saying so. Its own transaction; returns
    /// how many were accepted. The starters call it at every poll, so it needs no word from the provisioning side.
    /// </summary>
    public async Task<int> ReleaseHeldAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await db.PushDeliveries
            .FromSql($"""
                SELECT d.* FROM "PushDeliveries" d
                JOIN "Hosts" h ON h."Id" = d."HostId"
                JOIN "HostEnvironments" e ON e."HostId" = d."HostId" AND e."Kind" = d."Environment"
                WHERE d."Status" = 'Held' AND (h."State" IN ('Decommissioning', 'Decommissioned')
                    OR e."State" IN ('Decommissioning', 'Decommissioned') OR e."Operation" = 'Decommission')
                ORDER BY d."ReceivedAt"
                LIMIT 500
                FOR UPDATE OF d SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        foreach (var delivery in removed)
        {
            // The environment will not be Active again: as a push to it now would be, the push is ignored (a resend once an
            // environment of its branch is Active again is let through, as for any push ignored while it was not Active).
            delivery.Status = DeliveryStatus.Ignored;
            delivery.IgnoredBecause = IgnoredBecause.EnvironmentNotActive;
            delivery.StatusReason = RemovedBeforeRelease;
        }
        var ready = await db.PushDeliveries
            .FromSql($"""
                SELECT d.* FROM "PushDeliveries" d
                JOIN "Hosts" h ON h."Id" = d."HostId"
                JOIN "HostEnvironments" e ON e."HostId" = d."HostId" AND e."Kind" = d."Environment"
                WHERE d."Status" = 'Held' AND h."State" = 'Active' AND e."State" = 'Active' AND e."PipelineName" IS NOT NULL
                ORDER BY d."ReceivedAt"
                LIMIT 500
                FOR UPDATE OF d SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        if (ready.Count == 0 && removed.Count == 0) return 0;
        var accepted = 0;
        foreach (var branch in ready.GroupBy(d => (d.HostId, d.Environment)))
        {
            var newest = Newest(branch.ToList());
            newest.Status = DeliveryStatus.Accepted;
            newest.StatusReason = null;
            newest.ReleaseId = Guid.CreateVersion7();
            accepted++;
            foreach (var older in branch.Where(d => d != newest))
            {
                older.Status = DeliveryStatus.Superseded;
                older.IgnoredBecause = IgnoredBecause.NewerPushReleased;
                older.StatusReason = $"Held while the environment was being built; the newest push of the branch (commit {Commits.Short(newest.After)}) " +
                    "was released instead.";
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return accepted;
    }

    /// <summary>The tip among pushes of one branch: the one no other push was made on top of, else the newest commit.</summary>
    private static PushDelivery Newest(List<PushDelivery> pushes) =>
        pushes.OrderBy(d => pushes.Any(o => o != d && o.Before == d.After && o.After != d.After))
            .ThenByDescending(d => d.CommittedAt ?? d.ReceivedAt)
            .ThenByDescending(d => d.ReceivedAt)
            .First();

    /// <summary>
    /// A push already released (or being released now) on the delivery's branch that is newer than it: made on top of its
    /// commit (its "before" is the delivery's "after"), or of a later commit time that the delivery was not pushed onto.
    /// A push onto the released commit (a force-push back to an older commit included) or of the same commit is not older.
    /// </summary>
    private static async Task<PushDelivery?> NewerReleasedAsync(PortalDbContext db, PushDelivery delivery, List<PushDelivery> madeNow, CancellationToken cancellationToken)
    {
        var candidates = madeNow.Where(d => d.HostId == delivery.HostId && d.Environment == delivery.Environment).ToList();
        var released = db.PushDeliveries.AsNoTracking()
            .Where(d => d.HostId == delivery.HostId && (d.Status == DeliveryStatus.Queued || d.Status == DeliveryStatus.Started));
        candidates.AddRange(await released.Where(d => d.Before == delivery.After && d.After != delivery.After && d.Environment == delivery.Environment)
            .Take(1).ToListAsync(cancellationToken));
        if (delivery.CommittedAt is { } committed)
            candidates.AddRange(await released.Where(d => d.Environment == delivery.Environment && d.CommittedAt > committed)
                .OrderByDescending(d => d.CommittedAt).Take(1).ToListAsync(cancellationToken));
        return candidates.FirstOrDefault(newer => newer.After != delivery.After
            && (newer.Before == delivery.After || newer.CommittedAt > delivery.CommittedAt && delivery.Before != newer.After));
    }

}
