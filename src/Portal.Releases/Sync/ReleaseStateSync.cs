using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Aws;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Mail;
using Portal.Data.Text;

namespace Portal.Releases.Sync;

/// <summary>
/// Brings releases in flight up to date with CodePipeline: their stages, the manual approval they wait at (with the
/// token PutApprovalResult needs) and their final state. Per pipeline it makes GetPipelineState (stages, approval) and
/// as many pages of ListPipelineExecutions (100 executions each, newest first) as it takes to reach the oldest release
/// in flight: AWS read calls stay below 2 per release in flight whatever the backlog.
/// </summary>
public sealed class ReleaseStateSync(IDbContextFactory<PortalDbContext> contexts, IPipelines pipelines, TimeProvider time, ILogger<ReleaseStateSync> logger)
{
    private const int ExecutionsPerPage = 100;
    private const int SaveAttempts = 2;
    // The first key of this class's advisory locks (the second is the pipeline name's hash); other locks use one key.
    private const int PipelineLockSpace = 0x53594e43;
    private const string UniqueStageIndex = "IX_ReleaseStages_ReleaseId_Name";
    private const string UniqueMailIndex = "IX_OutgoingMails_Key";

    private static readonly ReleaseState[] InFlight = [ReleaseState.InProgress, ReleaseState.WaitingForApproval];

    /// <summary>Every release in flight (the recurring job). Returns how many releases changed.</summary>
    public Task<int> SyncAllAsync(CancellationToken cancellationToken) => SyncAsync(null, cancellationToken);

    /// <summary>The releases in flight of one environment, on demand (the host page's refresh).</summary>
    public Task<int> SyncEnvironmentAsync(Guid hostEnvironmentId, CancellationToken cancellationToken) =>
        SyncAsync(hostEnvironmentId, cancellationToken);

    private async Task<int> SyncAsync(Guid? hostEnvironmentId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var inFlight = db.Releases
            .Where(r => InFlight.Contains(r.State) && r.PipelineExecutionId != null && r.HostEnvironment.PipelineName != null)
            .Where(r => hostEnvironmentId == null || r.HostEnvironmentId == hostEnvironmentId);
        var pipelineNames = await inFlight.Select(r => r.HostEnvironment.PipelineName!).Distinct().ToListAsync(cancellationToken);

        var changed = 0;
        foreach (var pipeline in pipelineNames)
            changed += await SyncPipelineAsync(db, inFlight, pipeline, cancellationToken);
        return changed;
    }

    /// <summary>
    /// One pipeline's releases, read, synced and saved on their own: a failure leaves the others untouched, and clearing
    /// the change tracker afterwards never detaches the next one's releases. Syncs of one pipeline (the recurring one, an
    /// operator's decision, a page's refresh) take turns under a transaction-scoped advisory lock, so the later one reads
    /// what the earlier saved instead of losing every release of the pipeline to one row saved meanwhile; a save that still
    /// loses (an operator's approval or retry) is done again once from fresh reads.
    /// </summary>
    private async Task<int> SyncPipelineAsync(PortalDbContext db, IQueryable<Release> inFlight, string pipeline, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var turn = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PipelineLockSpace}, hashtext({pipeline}))", cancellationToken);
                var releases = await inFlight.Where(r => r.HostEnvironment.PipelineName == pipeline)
                    .Include(r => r.Stages)
                    .Include(r => r.HostEnvironment).ThenInclude(e => e.Host).ThenInclude(h => h.Customer)
                    .AsSplitQuery()
                    .ToListAsync(cancellationToken);
                var changed = await SyncReleasesAsync(db, pipeline, releases, cancellationToken);
                await turn.CommitAsync(cancellationToken);
                return changed;
            }
            catch (AwsException e)
            {
                logger.LogWarning("Pipeline {Pipeline} could not be read ({Code}: {Message}); its releases are synced next time",
                    pipeline, e.Code, e.AwsMessage);
                return 0;
            }
            catch (DbUpdateException e) when (e is DbUpdateConcurrencyException
                || e.IsUniqueViolation(UniqueStageIndex) || e.IsUniqueViolation(UniqueMailIndex))
            {
                if (attempt == SaveAttempts)
                {
                    logger.LogInformation("Releases of pipeline {Pipeline} changed while syncing; synced next time", pipeline);
                    return 0;
                }
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<int> SyncReleasesAsync(PortalDbContext db, string pipelineName, List<Release> releases, CancellationToken cancellationToken)
    {
        // Statuses first, stages second: an execution seen finished here shows its finished stages in the state read next.
        var statuses = await StatusesAsync(pipelineName, releases.Select(r => r.PipelineExecutionId!).ToHashSet(StringComparer.Ordinal),
            cancellationToken);
        var state = await pipelines.GetStateAsync(pipelineName, cancellationToken);

        var changed = 0;
        foreach (var release in releases)
        {
            var executionId = release.PipelineExecutionId!;
            if (!statuses.TryGetValue(executionId, out var status))
            {
                // Not in the execution history at all (AWS keeps 12 months of it): ask for it by id, which says why.
                var detail = await pipelines.GetExecutionAsync(pipelineName, executionId, cancellationToken);
                status = (detail.Status, detail.StatusSummary);
            }
            var wasWaitingOn = release.PendingApprovalToken;
            var wasFailed = release.State == ReleaseState.Failed;
            if (!Apply(release, state, status.Status, status.StatusSummary, await CustomerApprovalRequiredAsync(db, release, cancellationToken))) continue;
            changed++;
            await TellAsync(db, release, wasWaitingOn, wasFailed, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        return changed;
    }

    /// <summary>
    /// The status of each wanted execution, read a page of ListPipelineExecutions (newest first) at a time until all are
    /// found or the history ends: ⌈backlog / 100⌉ calls for a pipeline's backlog, never one per release.
    /// </summary>
    private async Task<Dictionary<string, (string Status, string? StatusSummary)>> StatusesAsync(string pipelineName, HashSet<string> wanted,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, (string Status, string? StatusSummary)>(StringComparer.Ordinal);
        string? nextToken = null;
        do
        {
            var page = await pipelines.ListExecutionsAsync(pipelineName, ExecutionsPerPage, nextToken, cancellationToken);
            foreach (var execution in page.Items.Where(e => wanted.Contains(e.PipelineExecutionId)))
                // A stopped execution's own words are the stop's reason (the operator's, which the customer reads).
                found[execution.PipelineExecutionId] = (execution.Status,
                    execution.Status is "Stopped" or "Stopping" && execution.StopReason is { Length: > 0 } reason ? reason : execution.StatusSummary);
            nextToken = page.NextToken;
        } while (nextToken is not null && found.Count < wanted.Count);
        return found;
    }

    /// <summary>Mail in the same save: who decides a new wait, and the customer when it failed.</summary>
    private async Task TellAsync(PortalDbContext db, Release release, string? wasWaitingOn, bool wasFailed, CancellationToken cancellationToken)
    {
        var environment = release.HostEnvironment;
        var now = time.GetUtcNow();
        if (release is { State: ReleaseState.WaitingForApproval, PendingApprovalToken: { } token, RequiredApprovals: { } required } && token != wasWaitingOn)
            await PortalNotices.ReleaseWaitingAsync(db, release, environment.Host, environment.Host.Customer.Name, environment.Kind, required,
                release.CustomerApprovalRequired ? await Approvals.CustomerApprovers.InPortalAsync(db, environment.Host, cancellationToken) : [],
                Approvals.ApprovalRules.TokenHash(token), now, cancellationToken);
        else if (release.State == ReleaseState.Failed && !wasFailed)
            await PortalNotices.ReleaseFailedAsync(db, release, environment.Host, environment.Kind, release.StateReason ?? "The pipeline execution failed.",
                now, cancellationToken);
    }

    /// <summary>
    /// Whether a wait this release starts now needs the customer's approval: asked only of a production release not waiting
    /// yet whose host names approvers (a waiting one keeps what it recorded).
    /// </summary>
    private static async Task<bool> CustomerApprovalRequiredAsync(PortalDbContext db, Release release, CancellationToken cancellationToken)
    {
        var host = release.HostEnvironment.Host;
        if (release.HostEnvironment.Kind != EnvironmentKind.Production || host.ApproverEmails.Count == 0 || release.PendingApprovalToken is not null)
            return false;
        return Approvals.ApprovalRules.CustomerApprovalRequired(release.HostEnvironment.Kind,
            await Approvals.CustomerApprovers.InPortalAsync(db, host, cancellationToken));
    }

    /// <summary>Copies what CodePipeline says about the release's execution onto it. Returns whether anything changed.</summary>
    private bool Apply(Release release, PipelineState state, string executionStatus, string? executionSummary, bool customerApprovalRequired)
    {
        var before = Snapshot(release);
        var executionId = release.PipelineExecutionId;
        ActionState? approval = null;
        StageState? approvalStage = null;

        for (var order = 0; order < state.Stages.Count; order++)
        {
            var stage = state.Stages[order];
            if (stage.LatestExecution is not { } latest || latest.PipelineExecutionId != executionId) continue; // Another execution's.
            UpdateStage(release, stage, order);
            var waiting = stage.Actions.FirstOrDefault(a => a.LatestExecution is { Status: "InProgress", Token: not null });
            if (waiting is not null && latest.Status == "InProgress")
            {
                approval = waiting;
                approvalStage = stage;
            }
        }

        var (finalState, reason) = Final(executionStatus, executionSummary, release);
        if (finalState == ReleaseState.Succeeded)
        {
            // A stage a newer execution had already taken over when we last looked still shows its old status.
            foreach (var stage in release.Stages.Where(s => s.Status != "Succeeded")) stage.Status = "Succeeded";
        }
        var now = time.GetUtcNow();
        var updatedAt = release.UpdatedAt;
        if (finalState is null && approval is not null)
            release.WaitForApproval(approvalStage!.StageName, approval.ActionName, approval.LatestExecution!.Token!,
                Approvals.ApprovalRules.RequiredApprovals(release.HostEnvironment.Kind, release.HostEnvironment.Host.RequiredApprovals),
                customerApprovalRequired,
                approval.LatestExecution.LastStatusChange ?? now, now);
        else
            release.Follow(finalState, reason, now);

        if (release.State == ReleaseState.Succeeded && !before.StartsWith(nameof(ReleaseState.Succeeded) + "|", StringComparison.Ordinal))
            // The host journey picks this up from the database (the two journeys never call each other): see AmiBakes' roll-out.
            release.HostEnvironment.ReleaseSucceeded(release.HostEnvironment.Host.DeploymentStyle, now);
        if (Snapshot(release) != before) return true;
        release.UpdatedAt = updatedAt; // Nothing changed: the row is not written.
        return false;
    }

    private static void UpdateStage(Release release, StageState stage, int order)
    {
        var row = release.Stages.FirstOrDefault(s => s.Name == stage.StageName);
        if (row is null)
        {
            row = new ReleaseStage { Name = stage.StageName, Status = "" };
            release.Stages.Add(row);
        }
        var actions = stage.Actions.Select(a => a.LatestExecution).OfType<ActionExecutionInfo>().ToList();
        var failed = actions.FirstOrDefault(a => a.Status == "Failed");
        var summary = failed is not null
            ? string.Join(": ", new[] { failed.ErrorCode, failed.ErrorMessage ?? failed.Summary }.Where(p => !string.IsNullOrEmpty(p)))
            : actions.Select(a => a.Summary).LastOrDefault(s => !string.IsNullOrEmpty(s));
        row.Order = order;
        row.Status = stage.LatestExecution!.Status;
        row.Summary = string.IsNullOrEmpty(summary) ? null : PostgresText.ShortenNotNull(summary, ColumnLengths.Reason);
        row.LastChangedAt = actions.Max(a => a.LastStatusChange) ?? row.LastChangedAt;
    }

    /// <summary>The release state an execution status ends in, or null while the execution runs.</summary>
    private static (ReleaseState? State, string? Reason) Final(string status, string? summary, Release release) => status switch
    {
        "Succeeded" => (ReleaseState.Succeeded, null),
        "Failed" => (ReleaseState.Failed, summary ?? FailedStage(release) ?? "The pipeline execution failed."),
        "Stopped" => (ReleaseState.Stopped, summary ?? "The pipeline execution was stopped."),
        "Cancelled" => (ReleaseState.Stopped, summary ?? "CodePipeline cancelled the execution."),
        "Superseded" => (ReleaseState.Superseded, summary ?? "A newer execution passed this one."),
        "Stopping" => (null, summary ?? "Stopping."),
        _ => (null, null),
    };

    private static string? FailedStage(Release release) =>
        release.Stages.Where(s => s.Status == "Failed").Select(s => $"Stage {s.Name} failed" + (s.Summary is null ? "." : $": {s.Summary}"))
            .FirstOrDefault();

    private static string Snapshot(Release r) =>
        string.Join('|', r.State, r.StateReason, r.PendingApprovalStage, r.PendingApprovalAction, r.PendingApprovalToken, r.WaitingSince,
            string.Join(';', r.Stages.OrderBy(s => s.Name).Select(s => $"{s.Name},{s.Order},{s.Status},{s.Summary},{s.LastChangedAt}")));
}
