using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Views;
using Portal.Releases.GitLab;

namespace Portal.Releases;

/// <summary>Reads of one customer's releases for the pages and the API; another customer's host is not found.</summary>
public sealed class ReleaseQueries(IDbContextFactory<PortalDbContext> contexts)
{
    public const int DefaultReleasePageSize = 25;
    public const int MaxReleasePageSize = 100;

    /// <summary>
    /// The host's releases in every environment (or one), newest first; null when the host does not exist (with
    /// <paramref name="hostId"/>: that host of the name, an old one, as <see cref="HostNames"/> says). Pushes accepted
    /// but not yet made into releases by the release starters come first, as pending releases under the id GitLab was told.
    /// </summary>
    public async Task<ResultPage<ReleaseSummary>?> ReleasesAsync(Guid customerId, string name, EnvironmentKind? environment = null,
        int pageNumber = 1, int pageSize = DefaultReleasePageSize, Guid? hostId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        hostId = await db.Hosts.Named(customerId, name, hostId).Select(h => (Guid?)h.Id).FirstOrDefaultAsync(cancellationToken);
        if (hostId is null) return null;
        var releases = db.Releases.AsNoTracking().Where(r => r.HostEnvironment.HostId == hostId);
        var accepted = db.PushDeliveries.AsNoTracking().Where(d => d.HostId == hostId && d.Status == DeliveryStatus.Accepted && d.ReleaseId != null);
        if (environment is { } kind)
        {
            releases = releases.Where(r => r.HostEnvironment.Kind == kind);
            accepted = accepted.Where(d => d.Environment == kind);
        }
        var acceptedCount = await accepted.CountAsync(cancellationToken);
        var total = acceptedCount + await releases.CountAsync(cancellationToken);

        var skip = (pageNumber - 1) * pageSize;
        var rows = await accepted
            .OrderByDescending(d => d.ReceivedAt).ThenByDescending(d => d.Id)
            .Skip(skip).Take(pageSize)
            .Select(d => new ReleaseRow(d.ReleaseId!.Value, d.Environment!.Value, d.After, d.Ref.Substring(PushEvent.BranchRefPrefix.Length), d.UserUsername,
                d.Message, ReleaseState.Pending, AwaitingStarter, d.ReceivedAt, d.ReceivedAt))
            .ToListAsync(cancellationToken);
        rows.AddRange(await releases
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Skip(Math.Max(0, skip - acceptedCount)).Take(pageSize - rows.Count)
            .Select(r => new ReleaseRow(r.Id, r.HostEnvironment.Kind, r.CommitId, r.Branch, r.AuthorUsername, r.Message, r.State, r.StateReason, r.PushedAt, r.CreatedAt))
            .ToListAsync(cancellationToken));
        return new ResultPage<ReleaseSummary>(rows.Select(r => r.ToSummary()).ToList(), total, pageNumber, pageSize);
    }

    /// <summary>The newest release of each of the host's environments (the host page's first card); empty when the host does not exist.</summary>
    public async Task<IReadOnlyList<ReleaseSummary>> LatestPerEnvironmentAsync(Guid customerId, string name, Guid? hostId = null,
        CancellationToken cancellationToken = default)
    {
        var latest = new List<ReleaseSummary>();
        foreach (var kind in EnvironmentNames.All)
            if (await ReleasesAsync(customerId, name, kind, 1, 1, hostId, cancellationToken) is { Items: [var newest, ..] })
                latest.Add(newest);
        return latest;
    }

    private const string AwaitingStarter = "Received; the release starters make and start it shortly.";

    private sealed record ReleaseRow(Guid Id, EnvironmentKind Kind, string CommitId, string Branch, string? AuthorUsername,
        string? Message, ReleaseState State, string? StateReason, DateTimeOffset PushedAt, DateTimeOffset CreatedAt)
    {
        public ReleaseSummary ToSummary() =>
            new(Id, EnvironmentNames.Of(Kind), CommitId, Branch, AuthorUsername, Message, State, StateReason, PushedAt, CreatedAt);
    }
}
