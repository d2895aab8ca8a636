using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Views;
using Portal.Provisioning.Orders;

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
        else if (query.HideDecommissioned)
            hosts = hosts.Where(h => h.State != HostState.Decommissioned);

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
            h.Environments.OrderBy(e => e.Kind).Select(e => new EnvironmentSummary(EnvironmentNames.Of(e.Kind), e.State)).ToList(),
            h.LastReleaseId is { } id ? lastReleases[id].ToSummary() : null,
            h.CreatedAt)).ToList();
        return new ResultPage<HostSummary>(items, total, query.Page, query.PageSize);
    }

    /// <summary>The host the name means (the live one), or with <paramref name="hostId"/> that host of the name (an old one).</summary>
    public async Task<HostDetails?> GetAsync(Guid customerId, string name, Guid? hostId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await db.Hosts.AsNoTracking()
            .Named(customerId, name, hostId)
            .Include(h => h.Environments)
            .FirstOrDefaultAsync(cancellationToken);
        return host is null ? null : ToDetails(host);
    }

    /// <summary>The environment's stack events, newest first; null when the host or the environment does not exist.</summary>
    public async Task<ResultPage<StackEventView>?> EventsAsync(Guid customerId, string name, EnvironmentKind environment,
        int pageNumber = 1, int pageSize = DefaultEventPageSize, Guid? hostId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await EnvironmentIdAsync(db, customerId, name, hostId, environment, cancellationToken) is not { } environmentId) return null;
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
    /// The environment's newest stack event that says why a stack failed or rolled back (a *_FAILED resource, or the stack's
    /// ROLLBACK_IN_PROGRESS naming the failed resources), however many events the rollback added after it; null when none.
    /// </summary>
    public async Task<StackEventView?> LatestFailureAsync(Guid customerId, string name, EnvironmentKind environment, Guid? hostId = null,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await EnvironmentIdAsync(db, customerId, name, hostId, environment, cancellationToken) is not { } environmentId) return null;
        return await db.StackEvents.AsNoTracking()
            .Where(e => e.HostEnvironmentId == environmentId && e.ResourceStatusReason != null
                && e.ResourceStatus.EndsWith("ROLLBACK_IN_PROGRESS") && e.LogicalResourceId == e.StackName)
            .OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
            .Select(e => new StackEventView(e.Id, e.StackName, e.Timestamp, e.LogicalResourceId, e.ResourceType, e.ResourceStatus, e.ResourceStatusReason))
            .FirstOrDefaultAsync(cancellationToken);
    }

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
            EnvironmentNames.Of(e.Kind), e.Branch, e.State, e.StateReason, HostOutputs.From(e.Outputs), e.UpdatedAt,
            new HostImageView(e.AmiId, e.AmiId is null ? null : e.InfrastructureCommitId, e.BakeRequestedAt is not null || e.BakeExecutionId is not null,
                e.BakeStatus),
            e.State is EnvironmentState.Provisioning or EnvironmentState.Updating or EnvironmentState.Decommissioning ? e.OperationStartedAt : null)).ToList(),
        costs.Estimate(host),
        host.CreatedAt, host.UpdatedAt,
        new GitLabAccessView(host.GitLab.ProjectId, host.GitLab.TokenSecretArn is not null, host.GitLab.Automates, host.GitLab.ManualReason,
            host.GitLab.HookId is not null, host.GitLab.HookStatus, host.GitLab.InfrastructureFolder),
        host.Environments.FirstOrDefault(e => e.Kind == EnvironmentKind.Production && e.State != EnvironmentState.Decommissioned) is { } production
            ? HostDnsRecords.CustomDomain(host.Domain.CustomDomain, production.Outputs)
            : null);

    private static Task<Guid?> EnvironmentIdAsync(PortalDbContext db, Guid customerId, string name, Guid? hostId, EnvironmentKind environment,
        CancellationToken cancellationToken) =>
        db.Hosts.Named(customerId, name, hostId)
            .SelectMany(h => h.Environments.Where(e => e.Kind == environment).Select(e => (Guid?)e.Id))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>Searches for the text itself: %, _ and \ lose their LIKE meaning.</summary>
    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    private sealed record ReleaseRow(Guid Id, EnvironmentKind Kind, string CommitId, string Branch, string? AuthorUsername,
        string? Message, ReleaseState State, string? StateReason, DateTimeOffset PushedAt, DateTimeOffset CreatedAt)
    {
        public ReleaseSummary ToSummary() =>
            new(Id, EnvironmentNames.Of(Kind), CommitId, Branch, AuthorUsername, Message, State, StateReason, PushedAt, CreatedAt);
    }
}
