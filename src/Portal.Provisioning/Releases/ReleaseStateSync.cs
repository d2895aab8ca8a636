using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;

namespace Portal.Provisioning.Releases;

/// <summary>
/// Brings releases in flight up to date with CodePipeline: their stages, the manual approval they wait at (with the
/// token PutApprovalResult needs) and their final state. Per pipeline it makes two calls whatever the number of
/// releases: GetPipelineState (stages, approval) and ListPipelineExecutions (the status of each recent execution);
/// only an execution too old for that page costs a GetPipelineExecution of its own.
/// </summary>
public sealed class ReleaseStateSync(PortalDbContext db, IPipelines pipelines, TimeProvider time, ILogger<ReleaseStateSync> logger)
{
    private const int ExecutionsPerPage = 100;
    private const string UniqueStageIndex = "IX_ReleaseStages_ReleaseId_Name";

    private static readonly ReleaseState[] InFlight = [ReleaseState.InProgress, ReleaseState.WaitingForApproval];

    /// <summary>Every release in flight (the recurring job). Returns how many releases changed.</summary>
    public Task<int> SyncAllAsync(CancellationToken cancellationToken) => SyncAsync(null, cancellationToken);

    /// <summary>The releases in flight of one environment, on demand (the host page's refresh).</summary>
    public Task<int> SyncEnvironmentAsync(Guid hostEnvironmentId, CancellationToken cancellationToken) =>
        SyncAsync(hostEnvironmentId, cancellationToken);

    private async Task<int> SyncAsync(Guid? hostEnvironmentId, CancellationToken cancellationToken)
    {
        var inFlight = db.Releases
            .Where(r => InFlight.Contains(r.State) && r.PipelineExecutionId != null && r.HostEnvironment.PipelineName != null)
            .Where(r => hostEnvironmentId == null || r.HostEnvironmentId == hostEnvironmentId);
        var pipelineNames = await inFlight.Select(r => r.HostEnvironment.PipelineName!).Distinct().ToListAsync(cancellationToken);

        var changed = 0;
        foreach (var pipeline in pipelineNames)
        {
            // Each pipeline's releases are read, synced and saved on their own: a failure leaves the others untouched,
            // and clearing the change tracker after one pipeline never detaches the next one's releases.
            var releases = await inFlight.Where(r => r.HostEnvironment.PipelineName == pipeline)
                .Include(r => r.Stages)
                .Include(r => r.HostEnvironment)
                .AsSplitQuery()
                .ToListAsync(cancellationToken);
            try
            {
                changed += await SyncPipelineAsync(pipeline, releases, cancellationToken);
            }
            catch (AwsException e)
            {
                logger.LogWarning("Pipeline {Pipeline} could not be read ({Code}: {Message}); its releases are synced next time",
                    pipeline, e.Code, e.AwsMessage);
            }
            catch (DbUpdateException e) when (e is DbUpdateConcurrencyException
                || e.IsUniqueViolation(UniqueStageIndex))
            {
                // An operator approved or retried meanwhile, or a sync running at the same time (the recurring one, an
                // operator's decision, a page's refresh) saved the same new stages first: the next sync starts from theirs.
                logger.LogInformation("Releases of pipeline {Pipeline} changed while syncing; synced next time", pipeline);
            }
            db.ChangeTracker.Clear();
        }
        return changed;
    }

    private async Task<int> SyncPipelineAsync(string pipelineName, List<Release> releases, CancellationToken cancellationToken)
    {
        // Statuses first, stages second: an execution seen finished here shows its finished stages in the state read next.
        var recent = (await pipelines.ListExecutionsAsync(pipelineName, ExecutionsPerPage, cancellationToken: cancellationToken)).Items
            .ToDictionary(e => e.PipelineExecutionId, e => (e.Status, e.StatusSummary));
        var state = await pipelines.GetStateAsync(pipelineName, cancellationToken);

        var changed = 0;
        foreach (var release in releases)
        {
            var executionId = release.PipelineExecutionId!;
            if (!recent.TryGetValue(executionId, out var status))
            {
                var detail = await pipelines.GetExecutionAsync(pipelineName, executionId, cancellationToken);
                status = (detail.Status, detail.StatusSummary);
            }
            if (Apply(release, state, status.Status, status.StatusSummary)) changed++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return changed;
    }

    /// <summary>Copies what CodePipeline says about the release's execution onto it. Returns whether anything changed.</summary>
    private bool Apply(Release release, PipelineState state, string executionStatus, string? executionSummary)
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
        if (finalState is null && approval is not null)
        {
            var token = approval.LatestExecution!.Token;
            if (release.PendingApprovalToken != token)
                release.WaitingSince = approval.LatestExecution.LastStatusChange ?? time.GetUtcNow();
            release.PendingApprovalStage = approvalStage!.StageName;
            release.PendingApprovalAction = approval.ActionName;
            release.PendingApprovalToken = token;
            release.State = ReleaseState.WaitingForApproval;
            release.StateReason = null;
        }
        else
        {
            release.PendingApprovalStage = null;
            release.PendingApprovalAction = null;
            release.PendingApprovalToken = null;
            release.WaitingSince = null;
            release.State = finalState ?? ReleaseState.InProgress;
            release.StateReason = reason is null ? null : Clip(reason, 2000);
        }

        if (Snapshot(release) == before) return false;
        release.UpdatedAt = time.GetUtcNow();
        return true;
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
        row.Summary = string.IsNullOrEmpty(summary) ? null : Clip(summary, 2000);
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

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
