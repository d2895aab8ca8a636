using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.GitLab;

namespace Portal.Provisioning.Releases;

/// <summary>
/// Turns accepted push deliveries into pending releases, oldest first: the webhook records only the delivery, so that a
/// push costs one row while GitLab waits, and <see cref="ReleaseStarter"/> makes its release when it starts it. Runs in
/// the caller's transaction (the DbContext is the scope's, shared with the caller): the deliveries stay locked (FOR
/// UPDATE SKIP LOCKED) until it commits, so concurrent starters never make a release twice, and a rollback or a crash
/// leaves the delivery accepted, to be taken again.
/// </summary>
public sealed class ReleaseQueue(PortalDbContext db, TimeProvider time)
{
    /// <summary>
    /// Takes up to <paramref name="max"/> accepted deliveries and adds their pending releases to the DbContext (not saved:
    /// the caller saves and commits). Returns the releases made; a delivery naming no environment of its host is failed.
    /// </summary>
    public async Task<List<Release>> TakeAsync(int max, CancellationToken cancellationToken)
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
        foreach (var delivery in accepted)
        {
            if (delivery.ReleaseId is not { } releaseId || delivery.Environment is not { } kind || PushEvent.BranchOf(delivery.Ref) is not { } branch
                || !environments.TryGetValue((delivery.HostId!.Value, kind), out var environmentId))
            {
                delivery.Status = DeliveryStatus.Failed;
                delivery.StatusReason = "The delivery names no environment of its host to release to.";
                continue;
            }
            var release = new Release
            {
                Id = releaseId,
                HostEnvironmentId = environmentId,
                PushDeliveryId = delivery.Id,
                CommitId = delivery.After,
                Branch = branch,
                AuthorUsername = delivery.UserUsername,
                AuthorEmail = delivery.UserEmail,
                Message = delivery.Message,
                PushedAt = delivery.ReceivedAt,
                ClientRequestToken = ReleaseTokens.ForDelivery(environmentId, delivery.DeliveryId),
                State = ReleaseState.Pending,
                CreatedAt = delivery.ReceivedAt,
                UpdatedAt = now,
            };
            db.Releases.Add(release);
            made.Add(release);
            delivery.Status = DeliveryStatus.Queued;
        }
        return made;
    }
}
