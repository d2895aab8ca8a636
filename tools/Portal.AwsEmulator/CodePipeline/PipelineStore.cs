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
/// says (QUEUED: in order; SUPERSEDED: a newer arrival replaces the one waiting). Each change pulses the pipeline's
/// signal so the runner's waiting tasks look again.
/// </summary>
public sealed partial class PipelineStore(string region, string accountId)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, TaskCompletionSource> signals = new(StringComparer.Ordinal);
    private PipelineData data = new();

    // ---------- pipelines (stack resources) ----------

    public PipelineRecord Register(PipelineRecord declaration)
    {
        lock (gate)
        {
            if (data.Pipelines.Any(p => p.Name == declaration.Name))
                throw new AwsServiceException("PipelineNameInUseException", $"A pipeline with the name '{declaration.Name}' already exists in account '{accountId}'");
            declaration.Arn = $"arn:{Arns.Partition(region)}:codepipeline:{region}:{accountId}:{declaration.Name}";
            declaration.Version = 1;
            declaration.Created = declaration.Updated = DateTimeOffset.UtcNow;
            data.Pipelines.Add(declaration);
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
            Pulse(name);
            return pipeline;
        }
    }

    public void Remove(string name)
    {
        lock (gate)
        {
            foreach (var execution in data.Executions.Where(e => e.PipelineName == name && e.IsActive))
                Finish(execution, ExecutionStatuses.Stopped, abandonActions: true);
            data.Executions.RemoveAll(e => e.PipelineName == name);
            data.Pipelines.RemoveAll(p => p.Name == name);
            Pulse(name);
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
                .Select(p => (p.Key, Execution: data.Executions.FirstOrDefault(e => e.Id == p.Value)))
                .Where(p => p.Execution is not null)
                .ToDictionary(p => p.Key, p => Copy(p.Execution!));
            var waiting = pipeline.Stages.ToDictionary(s => s.Name, s => data.Executions
                .Where(e => e.PipelineName == name && e.IsActive && e.Waiting && e.StageIndex < pipeline.Stages.Count && pipeline.Stages[e.StageIndex].Name == s.Name)
                .OrderBy(e => e.Sequence).Select(Copy).ToList());
            return (Copy(pipeline), latest, waiting);
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<PipelineExecutionRecord> ListExecutions(string name)
    {
        lock (gate)
        {
            Pipeline(name);
            return data.Executions.Where(e => e.PipelineName == name).OrderByDescending(e => e.Sequence).Select(Copy).ToList();
        }
    }

    /// <summary>Executions still running, for the runner to pick up after the state was loaded.</summary>
    public IReadOnlyList<(string Pipeline, string Execution)> ActiveExecutions()
    {
        lock (gate) return data.Executions.Where(e => e.IsActive).Select(e => (e.PipelineName, e.Id)).ToList();
    }

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(data, StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate) data = node?.Deserialize<PipelineData>(StateJson.Options) ?? new PipelineData();
    }

    // ---------- helpers (called with the lock held) ----------

    private void Finish(PipelineExecutionRecord execution, string status, bool abandonActions = false)
    {
        execution.Status = status;
        if (abandonActions && CurrentStageRecord(execution) is { } stage)
            foreach (var action in stage.Actions.Values.Where(a => a.Status == ExecutionStatuses.InProgress))
                (action.Status, action.LastStatusChange) = (ExecutionStatuses.Abandoned, DateTimeOffset.UtcNow);
        Touch(execution);
        Pulse(execution.PipelineName);
    }

    private StageExecutionRecord? CurrentStageRecord(PipelineExecutionRecord execution)
    {
        var pipeline = data.Pipelines.FirstOrDefault(p => p.Name == execution.PipelineName);
        return pipeline is not null && !execution.Waiting && execution.StageIndex < pipeline.Stages.Count
            && execution.Stages.TryGetValue(pipeline.Stages[execution.StageIndex].Name, out var stage) ? stage : null;
    }

    private static void Touch(PipelineExecutionRecord execution) => execution.LastUpdateTime = DateTimeOffset.UtcNow;

    private Task Signal(string pipelineName)
    {
        if (!signals.TryGetValue(pipelineName, out var signal))
            signals[pipelineName] = signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return signal.Task;
    }

    private void Pulse(string pipelineName)
    {
        if (signals.Remove(pipelineName, out var signal)) signal.TrySetResult();
    }

    private PipelineRecord Pipeline(string name) => data.Pipelines.FirstOrDefault(p => p.Name == name)
        ?? throw new AwsServiceException("PipelineNotFoundException", $"Account '{accountId}' does not have a pipeline with name '{name}'");

    private PipelineExecutionRecord Execution(string pipelineName, string executionId) =>
        data.Executions.FirstOrDefault(e => e.PipelineName == pipelineName && e.Id == executionId)
        ?? throw new AwsServiceException("PipelineExecutionNotFoundException", $"Pipeline execution with id '{executionId}' does not exist in pipeline with name '{pipelineName}'.");

    private static T Copy<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, StateJson.Options), StateJson.Options)!;
}
