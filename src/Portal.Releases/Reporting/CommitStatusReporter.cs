using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.GitLab;

namespace Portal.Releases.Reporting;

/// <summary>
/// Tells GitLab about releases whose state changed (<see cref="Release.StatusReportDue"/>, set by the release's own
/// transitions), for hosts whose token lets the portal (api scope). A report is recorded only if the release did not
/// move on meanwhile (its row version), so the newest state is always the last one reported. GitLab being down holds
/// that host's reports back for a while; a refusal is logged and not repeated. Hosts the portal does not report for
/// have their due flags cleared.
/// </summary>
public sealed class CommitStatusReporter(IDbContextFactory<PortalDbContext> contexts, GitLabClient gitlab, GitLabTokenVault vault, IPortalAddress portal,
    TimeProvider time, ILogger<CommitStatusReporter> logger)
{
    private const int BatchSize = 100;
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> heldBack = new();

    /// <summary>One round; returns how many releases it reported or settled.</summary>
    public async Task<int> ReportDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var due = await db.Releases.AsNoTracking().Where(r => r.StatusReportDue).OrderBy(r => r.UpdatedAt).Take(BatchSize)
            .Select(r => new DueReport(r.Id, r.Version, r.State, r.StateReason, r.CommitId, r.Branch, r.ReportedStatus, r.HostEnvironment.Kind,
                r.HostEnvironment.HostId, r.HostEnvironment.Host.Name, r.HostEnvironment.Host.GitLab.Automates, r.HostEnvironment.Host.GitLab.ProjectId,
                r.HostEnvironment.Host.GitLab.TokenSecretArn))
            .ToListAsync(cancellationToken);
        var done = 0;
        var tokens = new Dictionary<string, string>();
        foreach (var report in due)
        {
            if (heldBack.TryGetValue(report.HostId, out var until) && until > time.GetUtcNow()) continue;
            var state = CommitStatuses.StateOf(report.State);
            if (!report.Automates || report.ProjectId is not { } projectId || report.SecretArn is not { } secretArn || state == report.ReportedStatus)
            {
                done += await RecordAsync(db, report, report.ReportedStatus, cancellationToken);
                continue;
            }
            try
            {
                if (!tokens.TryGetValue(secretArn, out var token))
                    tokens[secretArn] = token = (await vault.ReadAsync(secretArn, cancellationToken)).Token;
                await gitlab.SetCommitStatusAsync(token, projectId, new GitLabCommitStatus(report.CommitId, state, CommitStatuses.NameOf(report.Kind),
                    report.Branch, CommitStatuses.TargetUrl(portal.BaseUrl, report.HostName, report.Id),
                    CommitStatuses.Description(report.State, report.Kind, report.Reason)), cancellationToken);
                done += await RecordAsync(db, report, state, cancellationToken);
            }
            catch (Exception e) when (e is GitLabException { Retryable: true } or Aws.AwsException { Retryable: true })
            {
                heldBack[report.HostId] = time.GetUtcNow() + Backoff;
                logger.LogWarning("Commit statuses of host {HostId} wait: {Message}", report.HostId, e.Message);
            }
            catch (GitLabException e)
            {
                logger.LogWarning("GitLab refused the {State} status of release {ReleaseId}: {Message}", state, report.Id, e.Message);
                done += await RecordAsync(db, report, report.ReportedStatus, cancellationToken);
            }
        }
        return done;
    }

    /// <summary>Clears the due flag unless the release changed since it was read (then it is reported again).</summary>
    private static Task<int> RecordAsync(PortalDbContext db, DueReport report, string? reported, CancellationToken cancellationToken) =>
        db.Releases.Where(r => r.Id == report.Id && r.Version == report.Version)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.ReportedStatus, reported).SetProperty(r => r.StatusReportDue, false), cancellationToken);

    private sealed record DueReport(Guid Id, uint Version, ReleaseState State, string? Reason, string CommitId, string Branch, string? ReportedStatus,
        EnvironmentKind Kind, Guid HostId, string HostName, bool Automates, long? ProjectId, string? SecretArn);
}
