using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.GitLab;

namespace Portal.Provisioning.Releases;

/// <summary>
/// Turns accepted push deliveries into pending releases, oldest first, for <see cref="ReleaseStarter"/> to start. The
/// webhook records only the delivery, so that a push costs one row while GitLab waits; this makes the release in the
/// background, in batches. Deliveries are locked (FOR UPDATE SKIP LOCKED) so concurrent starters never make a release
/// twice, and a crash in between leaves the delivery accepted, to be made again.
/// </summary>
public sealed class ReleaseQueue(PortalDbContext db, TimeProvider time)
{
    /// <summary>Makes the releases of up to <paramref name="max"/> accepted deliveries; returns how many deliveries it took.</summary>
    public async Task<int> ReleaseAcceptedAsync(int max, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var accepted = await db.PushDeliveries
            .FromSql($"""
                SELECT * FROM "PushDeliveries"
                WHERE "Status" = 'Accepted'
                ORDER BY "ReceivedAt"
                LIMIT {max}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        if (accepted.Count == 0) return 0;

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
            db.Releases.Add(new Release
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
            });
            delivery.Status = DeliveryStatus.Queued;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return accepted.Count;
    }
}
