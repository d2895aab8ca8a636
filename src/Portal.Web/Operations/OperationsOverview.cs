using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Operations;

/// <summary>
/// The operators' first page: hosts by state, what is failing and why (hosts, environments, releases, background
/// jobs), the releases in flight and the approvals waiting. A handful of small queries whatever the size of the fleet.
/// </summary>
public sealed class OperationsOverview(IDbContextFactory<PortalDbContext> contexts, JobStorage jobs, TimeProvider time)
{
    public const int ListLength = 10;

    /// <summary>Failed releases this recent count as failing.</summary>
    public static readonly TimeSpan RecentFailures = TimeSpan.FromHours(24);

    public async Task<OverviewSnapshot> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hostsByState = await db.Hosts.AsNoTracking().GroupBy(h => h.State).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

        var failing = db.Hosts.AsNoTracking()
            .Where(h => h.State == HostState.Failed || h.Environments.Any(e => e.State == EnvironmentState.Failed));
        var failingCount = await failing.CountAsync(cancellationToken);
        var failingHosts = await failing.OrderByDescending(h => h.UpdatedAt).Take(ListLength)
            .Select(h => new
            {
                h.Id, h.Name, h.State, h.StateReason, h.UpdatedAt, CustomerName = h.Customer.Name,
                Environments = h.Environments.Where(e => e.State == EnvironmentState.Failed).Select(e => new { e.Kind, e.Operation, e.StateReason }).ToList(),
            })
            .AsSplitQuery()
            .ToListAsync(cancellationToken);

        var inFlight = await db.Releases.AsNoTracking()
            .Where(r => r.State == ReleaseState.Pending || r.State == ReleaseState.InProgress || r.State == ReleaseState.WaitingForApproval)
            .GroupBy(r => r.State).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var running = await ReleaseRows(db.Releases.AsNoTracking().Where(r => r.State == ReleaseState.Pending || r.State == ReleaseState.InProgress)
            .OrderByDescending(r => r.CreatedAt)).ToListAsync(cancellationToken);
        var waiting = await ReleaseRows(db.Releases.AsNoTracking().Where(r => r.State == ReleaseState.WaitingForApproval)
            .OrderBy(r => r.WaitingSince).ThenBy(r => r.Id)).ToListAsync(cancellationToken);

        var since = time.GetUtcNow() - RecentFailures;
        var failedReleases = db.Releases.AsNoTracking().Where(r => r.State == ReleaseState.Failed && r.UpdatedAt >= since);
        var failedReleaseCount = await failedReleases.CountAsync(cancellationToken);
        var failedReleaseRows = await ReleaseRows(failedReleases.OrderByDescending(r => r.UpdatedAt)).ToListAsync(cancellationToken);

        var (failedJobCount, failedJobs) = FailedJobs();

        return new OverviewSnapshot(
            Enum.GetValues<HostState>().ToDictionary(s => s, s => hostsByState.GetValueOrDefault(s)),
            failingCount,
            failingHosts.Select(h => new FailingHost(h.Id, h.CustomerName, h.Name, h.State, h.StateReason,
                h.Environments.OrderBy(e => e.Kind).Select(e => new FailingEnvironment(EnvironmentNames.Of(e.Kind), e.Operation, e.StateReason)).ToList(),
                h.UpdatedAt)).ToList(),
            inFlight.GetValueOrDefault(ReleaseState.Pending) + inFlight.GetValueOrDefault(ReleaseState.InProgress),
            running,
            inFlight.GetValueOrDefault(ReleaseState.WaitingForApproval),
            waiting,
            failedReleaseCount,
            failedReleaseRows,
            failedJobCount,
            failedJobs,
            time.GetUtcNow());
    }

    private static IQueryable<ReleaseRow> ReleaseRows(IQueryable<Release> releases) => releases.Take(ListLength).Select(r => new ReleaseRow(
        r.Id, r.HostEnvironment.HostId, r.HostEnvironment.Host.Customer.Name, r.HostEnvironment.Host.Name,
        r.HostEnvironment.Kind == EnvironmentKind.Dev ? "dev" : r.HostEnvironment.Kind == EnvironmentKind.Staging ? "staging" : "production",
        r.CommitId, r.AuthorUsername ?? r.AuthorEmail, r.State, r.StateReason, r.WaitingSince ?? r.UpdatedAt));

    /// <summary>Hangfire's failed jobs (those that ran out of automatic retries), newest first.</summary>
    private (long Count, IReadOnlyList<FailedJob> Jobs) FailedJobs()
    {
        var monitoring = jobs.GetMonitoringApi();
        var failed = monitoring.FailedJobs(0, ListLength)
            .Select(j => new FailedJob(j.Key,
                j.Value.Job is { } job ? $"{job.Type.Name}.{job.Method.Name}({string.Join(", ", job.Args.Take(2))})" : "(job type not loadable)",
                j.Value.ExceptionType, j.Value.ExceptionMessage ?? j.Value.Reason,
                j.Value.FailedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null))
            .ToList();
        return (monitoring.FailedCount(), failed);
    }
}

public sealed record OverviewSnapshot(
    IReadOnlyDictionary<HostState, int> HostsByState,
    int FailingHostCount,
    IReadOnlyList<FailingHost> FailingHosts,
    int ReleasesInFlight,
    IReadOnlyList<ReleaseRow> RunningReleases,
    int PendingApprovalCount,
    IReadOnlyList<ReleaseRow> PendingApprovals,
    int FailedReleaseCount,
    IReadOnlyList<ReleaseRow> FailedReleases,
    long FailedJobCount,
    IReadOnlyList<FailedJob> FailedJobs,
    DateTimeOffset At)
{
    public int TotalHosts => HostsByState.Values.Sum();
}

public sealed record FailingHost(Guid HostId, string CustomerName, string HostName, HostState State, string? StateReason,
    IReadOnlyList<FailingEnvironment> Environments, DateTimeOffset UpdatedAt);

public sealed record FailingEnvironment(string Environment, EnvironmentOperation Operation, string? Reason);

/// <summary>A release in a list of the overview: where it runs, what it is, how it stands.</summary>
public sealed record ReleaseRow(Guid ReleaseId, Guid HostId, string CustomerName, string HostName, string Environment, string CommitId,
    string? Author, ReleaseState State, string? StateReason, DateTimeOffset Since);

/// <summary>A background job that failed for good (Hangfire's Failed state): which, why, when.</summary>
public sealed record FailedJob(string JobId, string Name, string? ExceptionType, string? Reason, DateTimeOffset? FailedAt);
