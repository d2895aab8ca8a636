using Portal.AwsEmulator.CodePipeline.Actions;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CodePipeline;

/// <summary>
/// Runs executions in the background, stage by stage, each action group (RunOrder) in parallel. Actions take the
/// configured delay, then do what their kind does (<see cref="ActionWorkers"/>) unless a fault says otherwise; a manual
/// approval waits for PutApprovalResult.
/// </summary>
public sealed class PipelineRunner(EmulatorState state, EmulatorTimings timings, FaultRules faults, ILogger<PipelineRunner> logger)
{
    public void Run(RegionState region, string pipelineName, string executionId) =>
        _ = Task.Run(() => RunAsync(region, pipelineName, executionId, state.Lifetime));

    /// <summary>Picks up the executions that were running when the state was saved.</summary>
    public void Resume(RegionState region)
    {
        foreach (var (pipeline, execution) in region.Pipelines.ActiveExecutions())
            Run(region, pipeline, execution);
    }

    private async Task RunAsync(RegionState region, string pipelineName, string executionId, CancellationToken lifetime)
    {
        var store = region.Pipelines;
        try
        {
            while (!lifetime.IsCancellationRequested)
            {
                var (entry, changed) = store.EnterStage(pipelineName, executionId);
                if (entry is StageEntry.Gone or StageEntry.Finished) return;
                if (entry == StageEntry.Wait)
                {
                    await changed.WaitAsync(lifetime);
                    continue;
                }
                if (store.CurrentStage(pipelineName, executionId) is not { } current) continue;
                foreach (var group in current.Stage.Actions.GroupBy(a => a.RunOrder).OrderBy(g => g.Key))
                {
                    await Task.WhenAll(group.Where(a => !current.Done.Contains(a.Name))
                        .Select(action => RunActionAsync(region, pipelineName, executionId, current.Stage.Name, action, lifetime)));
                    if (group.Any(a => store.ActionStatus(pipelineName, executionId, current.Stage.Name, a.Name).Status is not (ExecutionStatuses.Succeeded or null)))
                        break;
                }
                store.FinishStage(pipelineName, executionId, current.Stage.Name);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            logger.LogError(error, "Pipeline {Pipeline} execution {Execution} stopped unexpectedly", pipelineName, executionId);
        }
    }

    private async Task RunActionAsync(RegionState region, string pipelineName, string executionId, string stageName, ActionDeclaration action, CancellationToken lifetime)
    {
        var store = region.Pipelines;
        if (!store.BeginAction(pipelineName, executionId, stageName, action)) return;
        if (action.IsManualApproval)
        {
            while (true)
            {
                var (status, changed) = store.ActionStatus(pipelineName, executionId, stageName, action.Name);
                if (status != ExecutionStatuses.InProgress) return;
                await changed.WaitAsync(lifetime);
            }
        }
        await Task.Delay(timings.ActionDelay, lifetime);
        var fault = faults.ForAction(pipelineName, stageName, action.Name, action.Category, action.Provider);
        if (store.ActionContext(pipelineName, executionId) is not { } context) return;
        ActionOutcome outcome;
        try
        {
            outcome = await ActionWorkers.RunAsync(new ActionRun(region, context.Pipeline, context.Execution, stageName, action, fault), lifetime);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogError(error, "Action {Action} of pipeline {Pipeline} failed unexpectedly", action.Name, pipelineName);
            outcome = ActionOutcome.Failed("An internal error occurred while the action ran.", "InternalError");
        }
        store.CompleteAction(pipelineName, executionId, stageName, action.Name, outcome);
    }
}
