using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CodePipeline;

/// <summary>How an execution may go on at the stage it waits for.</summary>
public enum StageEntry { Entered, Wait, Finished, Gone }

/// <summary>
/// The pipelines and executions of one region and every state change of an execution, made under one lock. A stage
/// holds one execution at a time (except in PARALLEL mode); waiting executions are admitted as the execution mode
/// says (QUEUED: in order; SUPERSEDED: a newer arrival replaces the one waiting). Executions are indexed by id and,
/// per pipeline, by stage (<see cref="PipelineLanes"/>): a change looks only at the stage it frees and wakes only the
/// execution it concerns, so a burst of thousands of queued executions costs each change a few steps, not a scan.
/// </summary>
public sealed partial class PipelineStore(string region, string accountId)
{
    private readonly Lock gate = new();

    /// <summary>Execution id → what its runner waits on (admission to a stage, an approval's decision, a stop).</summary>
    private readonly Dictionary<string, TaskCompletionSource> signals = new(StringComparer.Ordinal);
    private PipelineData data = new();
    private Dictionary<string, PipelineRecord> pipelines = new(StringComparer.Ordinal);
    private Dictionary<string, PipelineExecutionRecord> executions = new(StringComparer.Ordinal);
    private Dictionary<string, PipelineLanes> lanes = new(StringComparer.Ordinal);

    // ---------- pipelines (stack resources) ----------

    public PipelineRecord Register(PipelineRecord declaration)
    {
        lock (gate)
        {
            if (pipelines.ContainsKey(declaration.Name))
                throw new AwsServiceException("PipelineNameInUseException", $"A pipeline with the name '{declaration.Name}' already exists in account '{accountId}'");
            declaration.Arn = $"arn:{Arns.Partition(region)}:codepipeline:{region}:{accountId}:{declaration.Name}";
            declaration.Version = 1;
            declaration.Created = declaration.Updated = DateTimeOffset.UtcNow;
            data.Pipelines.Add(declaration);
            pipelines[declaration.Name] = declaration;
            lanes[declaration.Name] = new PipelineLanes();
            return declaration;
        }
    }

    /// <summary>A new version of the declaration; running executions keep going.</summary>
    public PipelineRecord Update(string name, PipelineRecord declaration)
    {
        lock (gate)
        {
            var pipeline = Pipeline(name);
            (pipeline.PipelineType, pipeline.ExecutionMode, pipeline.Stages, pipeline.Variables) =
                (declaration.PipelineType, declaration.ExecutionMode, declaration.Stages, declaration.Variables);
            pipeline.Version++;
            pipeline.Updated = DateTimeOffset.UtcNow;
            Relane(pipeline);
            return pipeline;
        }
    }

    public void Remove(string name)
    {
        lock (gate)
        {
            if (!lanes.TryGetValue(name, out var lane)) return;
            foreach (var execution in lane.ByStart.Where(e => e.IsActive).ToList())
                Finish(execution, ExecutionStatuses.Stopped, abandonActions: true);
            foreach (var execution in lane.ByStart) executions.Remove(execution.Id);
            data.Executions.RemoveAll(e => e.PipelineName == name);
            data.Pipelines.RemoveAll(p => p.Name == name);
            pipelines.Remove(name);
            lanes.Remove(name);
        }
    }

    // ---------- reads ----------

    public PipelineExecutionRecord GetExecution(string pipelineName, string executionId)
    {
        lock (gate)
        {
            Pipeline(pipelineName);
            return Copy(Execution(pipelineName, executionId));
        }
    }

    /// <summary>The pipeline and, per stage, the execution that entered it last and those waiting to enter.</summary>
    public (PipelineRecord Pipeline, Dictionary<string, PipelineExecutionRecord> Latest, Dictionary<string, List<PipelineExecutionRecord>> Waiting) GetState(string name)
    {
        lock (gate)
        {
            var pipeline = Pipeline(name);
            var latest = pipeline.LatestStageExecutions
                .Select(p => (p.Key, Execution: executions.GetValueOrDefault(p.Value)))
                .Where(p => p.Execution is not null)
                .ToDictionary(p => p.Key, p => Copy(p.Execution!));
            var waiting = pipeline.Stages.Select((stage, index) => (stage.Name, index))
                .ToDictionary(s => s.Name, s => lanes[name].Stage(s.index).Waiting.Values.Select(Copy).ToList());
            return (Copy(pipeline), latest, waiting);
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<PipelineExecutionRecord> ListExecutions(string name)
    {
        lock (gate)
        {
            Pipeline(name);
            return Enumerable.Reverse(lanes[name].ByStart).Select(Copy).ToList();
        }
    }

    /// <summary>
    /// One page, newest first, of the executions started before <paramref name="beforeSequence"/> (all when null),
    /// optionally only those of the current pipeline version that succeeded in a stage (as AWS filters); and the
    /// sequence the next page starts before (null: last page). Only the page is copied.
    /// </summary>
    public (IReadOnlyList<PipelineExecutionRecord> Page, long? NextBefore) ListExecutions(string name, long? beforeSequence, int pageSize, string? succeededInStage)
    {
        lock (gate)
        {
            var version = Pipeline(name).Version;
            var all = lanes[name].ByStart;
            var end = beforeSequence is { } before ? LowerBound(all, before) : all.Count;
            var page = new List<PipelineExecutionRecord>();
            for (var i = end - 1; i >= 0; i--)
            {
                var execution = all[i];
                if (succeededInStage is not null && (execution.PipelineVersion != version
                    || execution.Stages.GetValueOrDefault(succeededInStage)?.Status != ExecutionStatuses.Succeeded)) continue;
                if (page.Count == pageSize) return (page, page[^1].Sequence);
                page.Add(Copy(execution));
            }
            return (page, null);
        }
    }

    /// <summary>Executions still running, for the runner to pick up after the state was loaded.</summary>
    public IReadOnlyList<(string Pipeline, string Execution)> ActiveExecutions()
    {
        lock (gate) return executions.Values.Where(e => e.IsActive).Select(e => (e.PipelineName, e.Id)).ToList();
    }

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(data, StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate)
        {
            data = node?.Deserialize<PipelineData>(StateJson.Options) ?? new PipelineData();
            pipelines = data.Pipelines.ToDictionary(p => p.Name, StringComparer.Ordinal);
            executions = data.Executions.ToDictionary(e => e.Id, StringComparer.Ordinal);
            lanes = data.Pipelines.ToDictionary(p => p.Name, _ => new PipelineLanes(), StringComparer.Ordinal);
            foreach (var execution in data.Executions.OrderBy(e => e.Sequence))
                if (lanes.TryGetValue(execution.PipelineName, out var lane)) lane.ByStart.Add(execution);
            foreach (var pipeline in data.Pipelines) Relane(pipeline);
        }
    }

    // ---------- helpers (called with the lock held) ----------

    /// <summary>Puts the pipeline's active executions back in their stages and admits what may enter (after a load or an update).</summary>
    private void Relane(PipelineRecord pipeline)
    {
        var lane = lanes[pipeline.Name];
        lane.ClearStages();
        var active = lane.ByStart.Where(e => e.IsActive).ToList();
        foreach (var execution in active) lane.Place(execution);
        // A shorter declaration: an execution waiting past its last stage has nothing left to run.
        foreach (var execution in active.Where(e => e.Waiting && e.StageIndex >= pipeline.Stages.Count))
            Finish(execution, ExecutionStatuses.Succeeded);
        foreach (var index in lane.StageIndices) Admit(pipeline, index);
    }

    private void Finish(PipelineExecutionRecord execution, string status, bool abandonActions = false)
    {
        execution.Status = status;
        if (abandonActions && CurrentStageRecord(execution) is { } stage)
            foreach (var action in stage.Actions.Values.Where(a => a.Status == ExecutionStatuses.InProgress))
                (action.Status, action.LastStatusChange) = (ExecutionStatuses.Abandoned, DateTimeOffset.UtcNow);
        Touch(execution);
        Pulse(execution.Id);
        if (lanes.TryGetValue(execution.PipelineName, out var lane) && lane.Leave(execution) && pipelines.TryGetValue(execution.PipelineName, out var pipeline))
            Admit(pipeline, execution.StageIndex);
    }

    private StageExecutionRecord? CurrentStageRecord(PipelineExecutionRecord execution)
    {
        var pipeline = pipelines.GetValueOrDefault(execution.PipelineName);
        return pipeline is not null && !execution.Waiting && execution.StageIndex < pipeline.Stages.Count
            && execution.Stages.TryGetValue(pipeline.Stages[execution.StageIndex].Name, out var stage) ? stage : null;
    }

    private static void Touch(PipelineExecutionRecord execution) => execution.LastUpdateTime = DateTimeOffset.UtcNow;

    /// <summary>What the execution's runner awaits; completed by the next <see cref="Pulse"/> of the execution.</summary>
    private Task Signal(string executionId)
    {
        if (!signals.TryGetValue(executionId, out var signal))
            signals[executionId] = signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return signal.Task;
    }

    private void Pulse(string executionId)
    {
        if (signals.Remove(executionId, out var signal)) signal.TrySetResult();
    }

    /// <summary>The index of the first execution started at or after the sequence (the list is in start order).</summary>
    private static int LowerBound(List<PipelineExecutionRecord> byStart, long sequence)
    {
        var (low, high) = (0, byStart.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (byStart[middle].Sequence < sequence) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private PipelineRecord Pipeline(string name) => pipelines.GetValueOrDefault(name)
        ?? throw new AwsServiceException("PipelineNotFoundException", $"Account '{accountId}' does not have a pipeline with name '{name}'");

    private PipelineExecutionRecord Execution(string pipelineName, string executionId) =>
        executions.GetValueOrDefault(executionId) is { } execution && execution.PipelineName == pipelineName
            ? execution
            : throw new AwsServiceException("PipelineExecutionNotFoundException", $"Pipeline execution with id '{executionId}' does not exist in pipeline with name '{pipelineName}'.");

    private static T Copy<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, StateJson.Options), StateJson.Options)!;
}
