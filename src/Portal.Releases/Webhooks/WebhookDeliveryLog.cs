using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;

namespace Portal.Releases.Webhooks;

/// <summary>
/// A host's recent GitLab deliveries as its customer sees them (host page and API): when, which event and branch, what
/// the portal answered and why, so that a push that did nothing explains itself. Another customer's host is not found.
/// </summary>
public sealed class WebhookDeliveryLog(IDbContextFactory<PortalDbContext> contexts)
{
    public const int DefaultCount = 20;
    public const int MaxCount = 100;

    /// <summary>Newest first; null when the customer has no such host.</summary>
    public async Task<IReadOnlyList<DeliveryLogEntry>?> RecentAsync(Guid customerId, string hostName, int count = DefaultCount, Guid? hostId = null,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        hostId = await db.Hosts.Named(customerId, hostName, hostId).Select(h => (Guid?)h.Id).FirstOrDefaultAsync(cancellationToken);
        if (hostId is null) return null;
        var rows = await db.PushDeliveries.AsNoTracking()
            .Where(d => d.HostId == hostId)
            .OrderByDescending(d => d.ReceivedAt).ThenByDescending(d => d.Id)
            .Take(Math.Clamp(count, 1, MaxCount))
            .Select(d => new
            {
                d.DeliveryId,
                d.ReceivedAt,
                d.Event,
                d.Ref,
                d.After,
                d.Environment,
                d.UserUsername,
                d.CommitAuthors,
                d.Status,
                d.IgnoredBecause,
                d.StatusReason,
                d.ReleaseId,
            })
            .ToListAsync(cancellationToken);
        return rows.Select(d => new DeliveryLogEntry(d.DeliveryId, d.ReceivedAt, d.Event,
                Branch: GitLab.PushEvent.BranchOf(d.Ref),
                Ref: d.Ref.Length > 0 ? d.Ref : null,
                Commit: d.After.Length > 0 ? d.After : null,
                Environment: d.Environment is { } kind ? EnvironmentNames.Of(kind) : null,
                Pusher: d.UserUsername,
                CommitAuthors: d.CommitAuthors.Select(a => a.Email is null ? a.Name ?? "" : $"{a.Name} <{a.Email}>").ToList(),
                Answer: RecordedAnswer,
                Status: d.Status.ToString().ToLowerInvariant(),
                Reason: d.StatusReason ?? ReasonOf(d.Status),
                ReleaseId: d.Status is DeliveryStatus.Queued or DeliveryStatus.Started or DeliveryStatus.Failed or DeliveryStatus.Accepted
                    ? d.ReleaseId : null))
            .ToList();
    }

    /// <summary>What GitLab was answered: a delivery is recorded only once its token is checked, and then always with 202.</summary>
    private const int RecordedAnswer = 202;

    private static string ReasonOf(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Accepted => "Received; the release starters make and start its release shortly.",
        DeliveryStatus.Queued => "Its release is made and waits to start.",
        DeliveryStatus.Started => "Its release started the environment's pipeline.",
        _ => status.ToString(),
    };
}

/// <summary>One delivery in a host's log.</summary>
public sealed record DeliveryLogEntry(string DeliveryId, DateTimeOffset ReceivedAt, string Event, string? Branch, string? Ref, string? Commit,
    string? Environment, string? Pusher, IReadOnlyList<string> CommitAuthors, int Answer, string Status, string Reason, Guid? ReleaseId);

/// <summary>
/// Creates or removes a host's GitLab signing token. The key is derived (<see cref="WebhookSigningKeys"/>): the host keeps
/// only its version, and a new version makes the old token stop working at once.
/// </summary>
public sealed class WebhookSigningTokens(IDbContextFactory<PortalDbContext> contexts, WebhookSigningKeys keys, TimeProvider time)
{
    public bool IsAvailable => keys.IsConfigured;

    /// <summary>The new token ("whsec_…", shown this once); null when the customer has no such host.</summary>
    public async Task<string?> CreateAsync(Actor actor, Guid customerId, string hostName, CancellationToken cancellationToken = default)
    {
        if (!keys.IsConfigured) throw new InvalidOperationException("Signing tokens need Webhooks:SigningKey.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await db.Hosts.Named(customerId, hostName).Select(h => new { h.Id }).FirstOrDefaultAsync(cancellationToken);
        if (host is null) return null;
        var now = time.GetUtcNow();
        await db.Hosts.Where(h => h.Id == host.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(h => h.WebhookSigningVersion, h => (h.WebhookSigningVersion ?? 0) + 1)
                .SetProperty(h => h.UpdatedAt, now), cancellationToken);
        var version = await db.Hosts.Where(h => h.Id == host.Id).Select(h => h.WebhookSigningVersion!.Value).SingleAsync(cancellationToken);
        db.Record(actor, "webhook.signing-token-created", $"A GitLab webhook signing token (version {version}) was created; deliveries must be signed with it.",
            customerId, host.Id);
        await db.SaveChangesAsync(cancellationToken);
        return keys.TokenFor(host.Id, version);
    }

    /// <summary>Deliveries need no signature any more; false when the customer has no such host.</summary>
    public async Task<bool> RemoveAsync(Actor actor, Guid customerId, string hostName, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hostId = await db.Hosts.Named(customerId, hostName).Select(h => (Guid?)h.Id).FirstOrDefaultAsync(cancellationToken);
        if (hostId is null) return false;
        await db.Hosts.Where(h => h.Id == hostId).ExecuteUpdateAsync(set => set.SetProperty(h => h.WebhookSigningVersion, (int?)null), cancellationToken);
        db.Record(actor, "webhook.signing-token-removed", "The GitLab webhook signing token was removed; deliveries need no signature.", customerId, hostId);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
