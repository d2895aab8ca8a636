using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CodePipeline;

/// <summary>The life of an execution: start, admission to each stage by execution mode, actions, approvals, stop and retry.</summary>
public sealed partial class PipelineStore
{
    /// <summary>Starts an execution; a clientRequestToken already used returns the execution it started.</summary>
    public (PipelineExecutionRecord Execution, bool Started) Start(string name, IReadOnlyList<KeyValuePair<string, string>> variables, string? clientRequestToken, string triggerDetail,
        IReadOnlyList<SourceRevisionRecord>? sourceRevisions = null)
    {
        lock (gate)
        {
            var pipeline = Pipeline(name);
            if (clientRequestToken is not null && pipeline.ClientRequestTokens.TryGetValue(clientRequestToken, out var known))
                return (Copy(executions[known]), false);
            var now = DateTimeOffset.UtcNow;
            var execution = new PipelineExecutionRecord
            {
                Id = Ids.Uuid(),
                PipelineName = name,
                PipelineVersion = pipeline.Version,
                Sequence = ++data.NextSequence,
                StartTime = now,
                LastUpdateTime = now,
                ExecutionMode = pipeline.ExecutionMode,
                Variables = PipelineVariables.Resolve(pipeline, variables),
                SourceRevisions = SourceRevisionOverrides.Check(pipeline, sourceRevisions ?? []),
                TriggerDetail = triggerDetail,
            };
            data.Executions.Add(execution);
            executions[execution.Id] = execution;
            lanes[name].ByStart.Add(execution);
            if (clientRequestToken is not null) pipeline.ClientRequestTokens[clientRequestToken] = execution.Id;
            Arrive(pipeline, execution);
            return (Copy(execution), true);
        }
    }

    /// <summary>
    /// Whether the execution is in the stage it is at (the store admits it when its execution mode allows); while it
    /// waits, the task completes when the execution is admitted, stopped or superseded.
    /// </summary>
    public (StageEntry Entry, Task Changed) EnterStage(string pipelineName, string executionId)
    {
        lock (gate)
        {
            var execution = executions.GetValueOrDefault(executionId);
            var pipeline = pipelines.GetValueOrDefault(pipelineName);
            if (execution is null || pipeline is null || !execution.IsActive) return (StageEntry.Gone, Task.CompletedTask);
            if (execution.StageIndex >= pipeline.Stages.Count)
            {
                Finish(execution, ExecutionStatuses.Succeeded);
                return (StageEntry.Finished, Task.CompletedTask);
            }
            if (!execution.Waiting) return (StageEntry.Entered, Task.CompletedTask);
            if (execution.Status == ExecutionStatuses.Stopping)
            {
                Finish(execution, ExecutionStatuses.Stopped);
                return (StageEntry.Gone, Task.CompletedTask);
            }
            return (StageEntry.Wait, Signal(executionId));
        }
    }

    /// <summary>The stage the execution is in, with the actions it still has to run (null when it is no longer running).</summary>
    public (StageDeclaration Stage, IReadOnlySet<string> Done)? CurrentStage(string pipelineName, string executionId)
    {
        lock (gate)
        {
            var execution = executions.GetValueOrDefault(executionId);
            var pipeline = pipelines.GetValueOrDefault(pipelineName);
            if (execution is null || pipeline is null || !execution.IsActive || execution.Waiting || execution.StageIndex >= pipeline.Stages.Count) return null;
            var stage = pipeline.Stages[execution.StageIndex];
            var done = execution.Stages.TryGetValue(stage.Name, out var record)
                ? record.Actions.Where(a => a.Value.Status == ExecutionStatuses.Succeeded).Select(a => a.Key).ToHashSet()
                : [];
            return (stage, done);
        }
    }

    /// <summary>Marks the action InProgress (a manual approval gets its token); false when the execution stopped meanwhile.</summary>
    public bool BeginAction(string pipelineName, string executionId, string stageName, ActionDeclaration action)
    {
        lock (gate)
        {
            var execution = executions.GetValueOrDefault(executionId);
            if (execution is not { Status: ExecutionStatuses.InProgress } || !execution.Stages.TryGetValue(stageName, out var stage)) return false;
            if (stage.Actions.TryGetValue(action.Name, out var running) && running.Status == ExecutionStatuses.InProgress) return true;
            stage.Actions[action.Name] = new ActionExecutionRecord
            {
                ActionExecutionId = Ids.Uuid(),
                Status = ExecutionStatuses.InProgress,
                StartTime = DateTimeOffset.UtcNow,
                LastStatusChange = DateTimeOffset.UtcNow,
                Token = action.IsManualApproval ? Ids.Uuid() : null,
                ExternalExecutionId = action.IsManualApproval ? null : Ids.Uuid(),
            };
            Touch(execution);
            return true;
        }
    }

    /// <summary>The action's status, and a task that completes on the next change of the execution (for a runner waiting on an approval).</summary>
    public (string? Status, Task Changed) ActionStatus(string pipelineName, string executionId, string stageName, string actionName)
    {
        lock (gate)
        {
            var execution = executions.GetValueOrDefault(executionId);
            var status = execution is not null && execution.Stages.TryGetValue(stageName, out var stage) && stage.Actions.TryGetValue(actionName, out var action)
                ? action.Status
                : null;
            return (status, status == ExecutionStatuses.InProgress ? Signal(executionId) : Task.CompletedTask);
        }
    }

    /// <summary>The pipeline and the execution as they are now, for an action about to run (null when the execution is gone).</summary>
    public (PipelineRecord Pipeline, PipelineExecutionRecord Execution)? ActionContext(string pipelineName, string executionId)
    {
        lock (gate)
        {
            var execution = data.Executions.FirstOrDefault(e => e.Id == executionId);
            var pipeline = data.Pipelines.FirstOrDefault(p => p.Name == pipelineName);
            return execution is null || pipeline is null ? null : (Copy(pipeline), Copy(execution));
        }
    }

    /// <summary>Ends a running action with what it produced; ignored when it is no longer InProgress (abandoned by a stop).</summary>
    public void CompleteAction(string pipelineName, string executionId, string stageName, string actionName, Actions.ActionOutcome outcome)
    {
        lock (gate)
        {
            var execution = executions.GetValueOrDefault(executionId);
            if (execution is null || execution.PipelineName != pipelineName || !execution.Stages.TryGetValue(stageName, out var stage)
                || !stage.Actions.TryGetValue(actionName, out var action) || action.Status != ExecutionStatuses.InProgress) return;
            (action.Status, action.Summary, action.ErrorCode, action.ErrorMessage, action.LastStatusChange) =
                (outcome.Succeeded ? ExecutionStatuses.Succeeded : ExecutionStatuses.Failed, outcome.Summary, outcome.ErrorCode, outcome.ErrorMessage, DateTimeOffset.UtcNow);
            action.ExternalExecutionId = outcome.ExternalExecutionId ?? action.ExternalExecutionId;
            (action.ExternalExecutionUrl, action.ExternalExecutionSummary) = (outcome.ExternalExecutionUrl, outcome.ExternalExecutionSummary);
            (action.InputArtifacts, action.OutputArtifacts, action.OutputVariables) = (outcome.InputArtifacts, outcome.OutputArtifacts, outcome.OutputVariables);
            foreach (var (name, location) in outcome.OutputArtifacts) execution.Artifacts[name] = location;
            if (outcome.Revision is { } revision)
            {
                execution.ArtifactRevisions.RemoveAll(r => r.ActionName == revision.ActionName);
                execution.ArtifactRevisions.Add(revision);
            }
            Touch(execution);
        }
    }

    /// <summary>Every action execution of the pipeline (of one execution when given), newest first, with the declaration it ran.</summary>
    public IReadOnlyList<(PipelineExecutionRecord Execution, string Stage, ActionDeclaration? Declaration, string ActionName, ActionExecutionRecord Record)> ActionExecutions(
        string pipelineName, string? executionId)
    {
        lock (gate)
        {
            var pipeline = Pipeline(pipelineName);
            if (executionId is not null) Execution(pipelineName, executionId);
            return data.Executions
                .Where(e => e.PipelineName == pipelineName && (executionId is null || e.Id == executionId))
                .SelectMany(e => e.Stages.SelectMany(stage => stage.Value.Actions.Select(a =>
                    (Copy(e), stage.Key, pipeline.Stage(stage.Key)?.Actions.FirstOrDefault(d => d.Name == a.Key), a.Key, Copy(a.Value)))))
                .OrderByDescending(a => a.Item5.StartTime)
                .ToList();
        }
    }

    /// <summary>After the actions of a stage: fails, stops or moves the execution on to the next stage.</summary>
    public void FinishStage(string pipelineName, string executionId, string stageName)
    {
        lock (gate)
        {
            var execution = executions.GetValueOrDefault(executionId);
            var pipeline = pipelines.GetValueOrDefault(pipelineName);
            if (execution is null || pipeline is null || !execution.IsActive || !execution.Stages.TryGetValue(stageName, out var stage)) return;
            var declared = pipeline.Stage(stageName)?.Actions.Select(a => a.Name).ToList() ?? [];
            var statuses = declared.Select(name => stage.Actions.TryGetValue(name, out var a) ? a.Status : null).ToList();
            if (statuses.Contains(ExecutionStatuses.Failed))
            {
                stage.Status = ExecutionStatuses.Failed;
                Finish(execution, ExecutionStatuses.Failed);
            }
            else if (execution.Status == ExecutionStatuses.Stopping || statuses.Any(s => s != ExecutionStatuses.Succeeded))
            {
                stage.Status = ExecutionStatuses.Stopped;
                Finish(execution, ExecutionStatuses.Stopped, abandonActions: true);
            }
            else
            {
                stage.Status = ExecutionStatuses.Succeeded;
                var left = execution.StageIndex;
                lanes[pipelineName].Leave(execution);
                execution.StageIndex++;
                execution.Waiting = true;
                execution.RetryFailedActionsOnly = false;
                Touch(execution);
                Arrive(pipeline, execution);
                Admit(pipeline, left);
            }
        }
    }

    /// <summary>Abandon: Stopped at once, running actions Abandoned. Otherwise Stopping until running actions finish (approvals are abandoned: nobody would finish them).</summary>
    public PipelineExecutionRecord Stop(string pipelineName, string executionId, bool abandon, string? reason)
    {
        lock (gate)
        {
            Pipeline(pipelineName);
            var execution = Execution(pipelineName, executionId);
            if (execution.Status == ExecutionStatuses.Stopping && !abandon)
                throw new AwsServiceException("DuplicatedStopRequestException", $"Pipeline execution {executionId} is already being stopped.");
            if (!execution.IsActive)
                throw new AwsServiceException("PipelineExecutionNotStoppableException", $"Unable to stop pipeline execution {executionId} because it is in status {execution.Status}.");
            execution.StopReason = reason;
            if (abandon || execution.Waiting)
            {
                if (!execution.Waiting && CurrentStageRecord(execution) is { } stage) stage.Status = ExecutionStatuses.Stopped;
                Finish(execution, ExecutionStatuses.Stopped, abandonActions: true);
            }
            else
            {
                execution.Status = ExecutionStatuses.Stopping;
                if (CurrentStageRecord(execution) is { } stage)
                {
                    stage.Status = ExecutionStatuses.Stopping;
                    foreach (var action in stage.Actions.Values.Where(a => a.Status == ExecutionStatuses.InProgress && a.Token is not null))
                        (action.Status, action.LastStatusChange) = (ExecutionStatuses.Abandoned, DateTimeOffset.UtcNow);
                }
                Touch(execution);
                Pulse(execution.Id);
            }
            return Copy(execution);
        }
    }

    /// <summary>Decides a waiting manual approval; answers AWS's errors for a wrong token or an approval already decided.</summary>
    public DateTimeOffset Decide(string pipelineName, string stageName, string actionName, string token, bool approved, string summary, string decidedBy)
    {
        lock (gate)
        {
            var pipeline = Pipeline(pipelineName);
            var stage = pipeline.Stage(stageName) ?? throw new AwsServiceException("StageNotFoundException", $"Stage '{stageName}' was not found in pipeline '{pipelineName}'.");
            if (stage.Actions.All(a => a.Name != actionName))
                throw new AwsServiceException("ActionNotFoundException", $"Action '{actionName}' was not found in stage '{stageName}' of pipeline '{pipelineName}'.");
            // The token names the approval (several wait at once in PARALLEL mode); one already decided or unknown is refused.
            var action = lanes[pipelineName].ByStart
                .Select(e => (Execution: e, Record: e.Stages.GetValueOrDefault(stageName)?.Actions.GetValueOrDefault(actionName)))
                .FirstOrDefault(a => a.Record?.Token == token);
            if (action.Record is null)
                throw new AwsServiceException("InvalidApprovalTokenException", $"The token is not valid for the approval action '{actionName}' in stage '{stageName}'.");
            if (action.Record.Status != ExecutionStatuses.InProgress)
                throw new AwsServiceException("ApprovalAlreadyCompletedException", $"The approval action '{actionName}' in stage '{stageName}' is no longer waiting for a decision ({action.Record.Status}).");
            var now = DateTimeOffset.UtcNow;
            (action.Record.Status, action.Record.Summary, action.Record.LastStatusChange, action.Record.LastUpdatedBy) =
                (approved ? ExecutionStatuses.Succeeded : ExecutionStatuses.Failed, summary, now, decidedBy);
            if (!approved) (action.Record.ErrorCode, action.Record.ErrorMessage) = ("Rejected", summary);
            Touch(action.Execution);
            Pulse(action.Execution.Id);
            return now;
        }
    }

    /// <summary>Re-runs a failed or stopped stage of the latest execution to enter it.</summary>
    public PipelineExecutionRecord Retry(string pipelineName, string stageName, string executionId, bool failedActionsOnly)
    {
        lock (gate)
        {
            var pipeline = Pipeline(pipelineName);
            var stageIndex = pipeline.Stages.FindIndex(s => s.Name == stageName);
            if (stageIndex < 0) throw new AwsServiceException("StageNotFoundException", $"Stage '{stageName}' was not found in pipeline '{pipelineName}'.");
            var execution = Execution(pipelineName, executionId);
            if (!pipeline.LatestStageExecutions.TryGetValue(stageName, out var latest) || latest != executionId)
                throw new AwsServiceException("NotLatestPipelineExecutionException", $"Pipeline execution {executionId} is not the latest execution of stage '{stageName}'.");
            if (execution.IsActive || !execution.Stages.TryGetValue(stageName, out var stage) || stage.Status is not (ExecutionStatuses.Failed or ExecutionStatuses.Stopped))
                throw new AwsServiceException("StageNotRetryableException", $"Stage '{stageName}' of pipeline execution {executionId} cannot be retried: it did not fail or stop.");
            execution.Status = ExecutionStatuses.InProgress;
            execution.StatusSummary = null;
            execution.StopReason = null;
            execution.StageIndex = stageIndex;
            execution.Waiting = true;
            execution.RetryFailedActionsOnly = failedActionsOnly;
            Touch(execution);
            Arrive(pipeline, execution);
            return Copy(execution);
        }
    }

    // ---------- admission (called with the lock held) ----------

    /// <summary>
    /// The execution now waits to enter the stage at its index: PARALLEL enters at once; SUPERSEDED replaces the older
    /// executions waiting there (or is itself replaced by a newer one); then the stage admits what it can.
    /// </summary>
    private void Arrive(PipelineRecord pipeline, PipelineExecutionRecord execution)
    {
        if (execution.StageIndex >= pipeline.Stages.Count)
        {
            Finish(execution, ExecutionStatuses.Succeeded);
            return;
        }
        if (execution.ExecutionMode == ExecutionModes.Parallel)
        {
            Enter(pipeline, execution);
            return;
        }
        var lane = lanes[pipeline.Name].Stage(execution.StageIndex);
        if (execution.ExecutionMode == ExecutionModes.Superseded)
        {
            foreach (var older in lane.Waiting.Values.Where(e => e.Sequence < execution.Sequence).ToList())
                Finish(older, ExecutionStatuses.Superseded);
            if (lane.Waiting.Count > 0)
            {
                Finish(execution, ExecutionStatuses.Superseded);
                return;
            }
        }
        lane.Waiting[execution.Sequence] = execution;
        Admit(pipeline, execution.StageIndex);
    }

    /// <summary>An empty stage lets in the oldest execution waiting for it (QUEUED order; SUPERSEDED leaves only one waiting).</summary>
    private void Admit(PipelineRecord pipeline, int stageIndex)
    {
        if (stageIndex >= pipeline.Stages.Count) return;
        var lane = lanes[pipeline.Name].Stage(stageIndex);
        if (lane.Inside.Count > 0 || lane.Waiting.Count == 0) return;
        Enter(pipeline, lane.Waiting.First().Value);
    }

    private void Enter(PipelineRecord pipeline, PipelineExecutionRecord execution)
    {
        var lane = lanes[pipeline.Name].Stage(execution.StageIndex);
        lane.Waiting.Remove(execution.Sequence);
        lane.Inside.Add(execution.Id);
        var stage = pipeline.Stages[execution.StageIndex];
        var kept = execution.RetryFailedActionsOnly && execution.Stages.TryGetValue(stage.Name, out var previous)
            ? previous.Actions.Where(a => a.Value.Status == ExecutionStatuses.Succeeded).ToDictionary()
            : [];
        execution.Stages[stage.Name] = new StageExecutionRecord { Status = ExecutionStatuses.InProgress, Actions = kept };
        execution.Waiting = false;
        pipeline.LatestStageExecutions[stage.Name] = execution.Id;
        Touch(execution);
        Pulse(execution.Id);
    }
}
