using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.GitLab;

namespace Portal.Provisioning.Hosts;

/// <summary>
/// Reads of one customer's hosts for the pages and the API. Every query is scoped to the customer: another
/// customer's host is simply not found. Each call uses its own short-lived DbContext, so a page may poll while
/// the person clicks.
/// </summary>
public sealed class HostQueries(IDbContextFactory<PortalDbContext> contexts, CostEstimator costs)
{
    public const int DefaultEventPageSize = 50;
    public const int MaxEventPageSize = 200;
    public const int DefaultReleasePageSize = 25;
    public const int MaxReleasePageSize = 100;
    private const string LikeEscape = @"\";

    public async Task<ResultPage<HostSummary>> ListAsync(Guid customerId, HostListQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hosts = db.Hosts.AsNoTracking().Where(h => h.CustomerId == customerId);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = $"%{EscapeLike(query.Search.Trim())}%";
            hosts = hosts.Where(h => EF.Functions.ILike(h.Name, pattern, LikeEscape) || EF.Functions.ILike(h.GitLab.PathWithNamespace, pattern, LikeEscape));
        }
        if (query.State is { } state)
            hosts = hosts.Where(h => h.State == state);

        var total = await hosts.CountAsync(cancellationToken);
        // The page's ids first: Postgres computes a row's selected values even for rows OFFSET skips, so the
        // subqueries below run for 25 hosts rather than for every host before the page.
        var pageIds = await hosts
            .OrderBy(h => h.Name)
            .Skip((query.Page - 1) * query.PageSize)
            .Take(query.PageSize)
            .Select(h => h.Id)
            .ToListAsync(cancellationToken);
        var rows = await db.Hosts.AsNoTracking()
            .Where(h => pageIds.Contains(h.Id))
            .Select(h => new
            {
                h.Id, h.Name, h.Plan, h.State, h.StateReason, GitLabPath = h.GitLab.PathWithNamespace, h.CreatedAt,
                Environments = h.Environments.Select(e => new { e.Kind, e.State }).ToList(),
                // A scalar subquery per row follows the (environment, created) index; projecting the whole release
                // here would number every release in the database instead.
                LastReleaseId = h.Environments.SelectMany(e => e.Releases).OrderByDescending(r => r.CreatedAt).Select(r => (Guid?)r.Id).FirstOrDefault(),
            })
            .AsSplitQuery()
            .ToListAsync(cancellationToken);

        var lastReleaseIds = rows.Where(r => r.LastReleaseId is not null).Select(r => r.LastReleaseId!.Value).ToList();
        var lastReleases = lastReleaseIds.Count == 0
            ? []
            : await db.Releases.AsNoTracking()
                .Where(r => lastReleaseIds.Contains(r.Id))
                .Select(r => new ReleaseRow(r.Id, r.HostEnvironment.Kind, r.CommitId, r.Branch, r.AuthorUsername, r.Message, r.State, r.StateReason, r.PushedAt, r.CreatedAt))
                .ToDictionaryAsync(r => r.Id, cancellationToken);

        var items = rows.OrderBy(h => pageIds.IndexOf(h.Id)).Select(h => new HostSummary(
            h.Id, h.Name, h.Plan, h.State, h.StateReason, h.GitLabPath,
            h.Environments.OrderBy(e => e.Kind).Select(e => new EnvironmentSummary(HostOrderTerms.EnvironmentName(e.Kind), e.State)).ToList(),
            h.LastReleaseId is { } id ? lastReleases[id].ToSummary() : null,
            h.CreatedAt)).ToList();
        return new ResultPage<HostSummary>(items, total, query.Page, query.PageSize);
    }

    public async Task<HostDetails?> GetAsync(Guid customerId, string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await db.Hosts.AsNoTracking()
            .Include(h => h.Environments)
            .SingleOrDefaultAsync(h => h.CustomerId == customerId && h.Name == name, cancellationToken);
        return host is null ? null : ToDetails(host);
    }

    /// <summary>The environment's stack events, newest first; null when the host or the environment does not exist.</summary>
    public async Task<ResultPage<StackEventView>?> EventsAsync(Guid customerId, string name, EnvironmentKind environment,
        int pageNumber = 1, int pageSize = DefaultEventPageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await EnvironmentIdAsync(db, customerId, name, environment, cancellationToken) is not { } environmentId) return null;
        var events = db.StackEvents.AsNoTracking().Where(e => e.HostEnvironmentId == environmentId);
        var total = await events.CountAsync(cancellationToken);
        var items = await events
            .OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
            .Skip((pageNumber - 1) * pageSize).Take(pageSize)
            .Select(e => new StackEventView(e.Id, e.StackName, e.Timestamp, e.LogicalResourceId, e.ResourceType, e.ResourceStatus, e.ResourceStatusReason))
            .ToListAsync(cancellationToken);
        return new ResultPage<StackEventView>(items, total, pageNumber, pageSize);
    }

    /// <summary>
    /// The host's releases in every environment (or one), newest first; null when the host does not exist. Pushes accepted
    /// but not yet made into releases by the release starters come first, as pending releases under the id GitLab was told.
    /// </summary>
    public async Task<ResultPage<ReleaseSummary>?> ReleasesAsync(Guid customerId, string name, EnvironmentKind? environment = null,
        int pageNumber = 1, int pageSize = DefaultReleasePageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hostId = await db.Hosts.Where(h => h.CustomerId == customerId && h.Name == name).Select(h => (Guid?)h.Id).SingleOrDefaultAsync(cancellationToken);
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

    private const string AwaitingStarter = "Received; the release starters make and start it shortly.";

    private HostDetails ToDetails(Host host) => new(
        host.Id, host.Name, host.Plan, host.State, host.StateReason,
        host.GitLab.PathWithNamespace, host.GitLab.HttpUrl, host.HealthCheckPath, host.ApproverEmails,
        host.Domain.CustomDomain, host.Domain.CertificateArn,
        HostOrderTerms.DeploymentStyleName(host.DeploymentStyle),
        host.Database.Engine,
        host.Database.Engine == HostOrderTerms.NoDatabase ? null : host.Database.InstanceClass,
        host.Database.Engine == HostOrderTerms.NoDatabase ? null : host.Database.AllocatedStorageGb,
        host.Database.MultiAz,
        host.MinInstances, host.MaxInstances,
        host.WebhookTokenHash is not null,
        host.Environments.OrderBy(e => e.Kind).Select(e => new EnvironmentDetails(
            HostOrderTerms.EnvironmentName(e.Kind), e.Branch, e.State, e.StateReason, HostOutputs.From(e.Outputs), e.UpdatedAt)).ToList(),
        costs.Estimate(host),
        host.CreatedAt, host.UpdatedAt);

    private static Task<Guid?> EnvironmentIdAsync(PortalDbContext db, Guid customerId, string name, EnvironmentKind environment, CancellationToken cancellationToken) =>
        db.HostEnvironments
            .Where(e => e.Host.CustomerId == customerId && e.Host.Name == name && e.Kind == environment)
            .Select(e => (Guid?)e.Id)
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>Searches for the text itself: %, _ and \ lose their LIKE meaning.</summary>
    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    private sealed record ReleaseRow(Guid Id, EnvironmentKind Kind, string CommitId, string Branch, string? AuthorUsername,
        string? Message, ReleaseState State, string? StateReason, DateTimeOffset PushedAt, DateTimeOffset CreatedAt)
    {
        public ReleaseSummary ToSummary() =>
            new(Id, HostOrderTerms.EnvironmentName(Kind), CommitId, Branch, AuthorUsername, Message, State, StateReason, PushedAt, CreatedAt);
    }
}
