using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Views;
using Portal.Provisioning.Hosts;

namespace Portal.Web.Operations;

/// <summary>Every customer's hosts for operators: searched, filtered and paged in the database.</summary>
public sealed class FleetQueries(IDbContextFactory<PortalDbContext> contexts, HostDnsRecords dns)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    public async Task<ResultPage<FleetHost>> HostsAsync(FleetQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hosts = db.Hosts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = Like.Contains(query.Search);
            hosts = hosts.Where(h => EF.Functions.ILike(h.Name, pattern, Like.Escape) || EF.Functions.ILike(h.GitLab.PathWithNamespace, pattern, Like.Escape));
        }
        if (query.CustomerId is { } customerId) hosts = hosts.Where(h => h.CustomerId == customerId);
        if (!string.IsNullOrWhiteSpace(query.Customer))
        {
            var pattern = Like.Contains(query.Customer);
            hosts = hosts.Where(h => EF.Functions.ILike(h.Customer.Name, pattern, Like.Escape) || EF.Functions.ILike(h.Customer.Slug, pattern, Like.Escape));
        }
        if (query.State is { } state) hosts = hosts.Where(h => h.State == state);
        if (query.Environment is { } kind) hosts = hosts.Where(h => h.Environments.Any(e => e.Kind == kind));
        if (query.EnvironmentState is { } environmentState) hosts = hosts.Where(h => h.Environments.Any(e => e.State == environmentState));
        if (query.Failing) hosts = hosts.Where(h => h.State == HostState.Failed || h.Environments.Any(e => e.State == Data.Entities.EnvironmentState.Failed));

        var total = await hosts.CountAsync(cancellationToken);
        // The page's ids first, so the environments below are read for this page only.
        var pageIds = await hosts.OrderBy(h => h.Customer.Slug).ThenBy(h => h.Name).ThenBy(h => h.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Select(h => h.Id).ToListAsync(cancellationToken);
        var rows = await db.Hosts.AsNoTracking().Where(h => pageIds.Contains(h.Id))
            .Select(h => new
            {
                h.Id, h.CustomerId, CustomerName = h.Customer.Name, CustomerSlug = h.Customer.Slug, h.Name, h.Plan, h.State, h.StateReason,
                h.RequiredApprovals, h.CreatedAt, h.UpdatedAt,
                Environments = h.Environments.Select(e => new { e.Kind, e.State, e.RequiresApproval }).ToList(),
            })
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        var items = rows.OrderBy(r => pageIds.IndexOf(r.Id)).Select(h => new FleetHost(h.Id, h.CustomerId, h.CustomerName, h.CustomerSlug, h.Name, h.Plan,
            h.State, h.StateReason,
            h.Environments.OrderBy(e => e.Kind).Select(e => new FleetEnvironment(EnvironmentNames.Of(e.Kind), e.State,
                e.Kind == EnvironmentKind.Production || e.RequiresApproval)).ToList(),
            h.RequiredApprovals, h.CreatedAt, h.UpdatedAt)).ToList();
        return new ResultPage<FleetHost>(items, total, query.Page, query.PageSize);
    }

    public async Task<ResultPage<FleetCustomer>> CustomersAsync(string? search, int page = 1, int pageSize = DefaultPageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customers = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = Like.Contains(search);
            customers = customers.Where(c => EF.Functions.ILike(c.Name, pattern, Like.Escape) || EF.Functions.ILike(c.Slug, pattern, Like.Escape));
        }
        var total = await customers.CountAsync(cancellationToken);
        var items = await customers.OrderBy(c => c.Slug).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(c => new FleetCustomer(c.Id, c.Name, c.Slug, c.Hosts.Count(h => h.State != HostState.Decommissioned),
                c.Hosts.Count(h => h.State == HostState.Failed), c.Users.Count, c.CreatedAt))
            .ToListAsync(cancellationToken);
        return new ResultPage<FleetCustomer>(items, total, page, pageSize);
    }

    /// <summary>What operators see of one host beyond the customer's view: pipelines, approval settings, releases they can act on.</summary>
    public async Task<OperatorHostView?> HostAsync(Guid hostId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await db.Hosts.AsNoTracking().Where(h => h.Id == hostId)
            .Select(h => new
            {
                h.Id, h.CustomerId, CustomerName = h.Customer.Name, CustomerSlug = h.Customer.Slug, h.Name, h.State, h.RequiredApprovals,
                h.Domain.CustomDomain,
                Environments = h.Environments.Select(e => new
                {
                    e.Id, e.Kind, e.State, e.RequiresApproval, e.PipelineName, e.Operation, e.ListenerArn, e.Outputs, e.Recovery,
                    e.ReleaseDeployed, e.LiveColour,
                }).ToList(),
            })
            .AsSplitQuery()
            .SingleOrDefaultAsync(cancellationToken);
        if (host is null) return null;
        var actionable = await db.Releases.AsNoTracking()
            .Where(r => r.HostEnvironment.HostId == hostId &&
                        (r.State == ReleaseState.Pending || r.State == ReleaseState.InProgress || r.State == ReleaseState.WaitingForApproval || r.State == ReleaseState.Failed))
            .OrderByDescending(r => r.CreatedAt).Take(20)
            .Select(r => new OperatorReleaseRow(r.Id, r.HostEnvironment.Kind == EnvironmentKind.Dev ? "dev" : r.HostEnvironment.Kind == EnvironmentKind.Staging ? "staging" : "production",
                r.CommitId, r.AuthorUsername ?? r.AuthorEmail, r.State, r.StateReason, r.PipelineExecutionId, r.CreatedAt))
            .ToListAsync(cancellationToken);
        return new OperatorHostView(host.Id, host.CustomerId, host.CustomerName, host.CustomerSlug, host.Name, host.State, host.RequiredApprovals,
            host.Environments.OrderBy(e => e.Kind).Select(e => new OperatorEnvironmentView(e.Id, e.Kind, EnvironmentNames.Of(e.Kind), e.State,
                e.Kind == EnvironmentKind.Production || e.RequiresApproval, e.PipelineName, e.Operation,
                e.State == EnvironmentState.Decommissioned ? [] : dns.ToCreate(host.CustomerSlug, host.Name, e.Kind, host.CustomDomain, e.ListenerArn, e.Outputs),
                e.ListenerArn, e.ReleaseDeployed, e.LiveColour, e.Recovery)).ToList(),
            actionable);
    }
}

/// <summary>
/// Which hosts to list: a 1-based page, text in the name or GitLab path, a customer (id or text), the host's state, an
/// environment it has, an environment state, or only failing hosts (the host or one of its environments Failed).
/// </summary>
public sealed record FleetQuery(
    int Page = 1,
    int PageSize = FleetQueries.DefaultPageSize,
    string? Search = null,
    HostState? State = null,
    EnvironmentKind? Environment = null,
    Guid? CustomerId = null,
    string? Customer = null,
    EnvironmentState? EnvironmentState = null,
    bool Failing = false);

public sealed record FleetHost(Guid Id, Guid CustomerId, string CustomerName, string CustomerSlug, string Name, string Plan, HostState State,
    string? StateReason, IReadOnlyList<FleetEnvironment> Environments, int RequiredApprovals, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record FleetEnvironment(string Name, EnvironmentState State, bool RequiresApproval);

public sealed record FleetCustomer(Guid Id, string Name, string Slug, int Hosts, int FailedHosts, int Users, DateTimeOffset CreatedAt);

public sealed record OperatorHostView(Guid Id, Guid CustomerId, string CustomerName, string CustomerSlug, string Name, HostState State,
    int RequiredApprovals, IReadOnlyList<OperatorEnvironmentView> Environments, IReadOnlyList<OperatorReleaseRow> Releases);

/// <summary>
/// One environment as operators see it; <paramref name="DnsRecordsToCreate"/> are the records no stack makes (none when the
/// platform's hosted zone gets an alias record), <paramref name="Recovery"/> what the current attempt does about a stuck stack.
/// </summary>
public sealed record OperatorEnvironmentView(Guid Id, EnvironmentKind Kind, string Name, EnvironmentState State, bool RequiresApproval,
    string? PipelineName, EnvironmentOperation Operation, IReadOnlyList<DnsRecordToCreate> DnsRecordsToCreate, string? ListenerArn,
    bool ReleaseDeployed, LiveColour LiveColour, StackRecovery Recovery)
{
    public bool CanContinueRollback => HostEnvironment.CanRecover(State, Operation, StackRecovery.ContinueRollback);
    public bool CanRetainResources => HostEnvironment.CanRecover(State, Operation, StackRecovery.RetainResources);
}

public sealed record OperatorReleaseRow(Guid Id, string Environment, string CommitId, string? Author, ReleaseState State, string? StateReason,
    string? PipelineExecutionId, DateTimeOffset CreatedAt);

/// <summary>ILIKE patterns that search for the text itself: %, _ and \ lose their meaning.</summary>
internal static class Like
{
    public const string Escape = @"\";

    public static string Contains(string text) => $"%{Quote(text.Trim())}%";

    public static string StartsWith(string text) => $"{Quote(text.Trim())}%";

    private static string Quote(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
