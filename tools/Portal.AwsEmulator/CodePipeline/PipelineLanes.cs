namespace Portal.AwsEmulator.CodePipeline;

/// <summary>
/// Where the executions of one pipeline are: all of them in start order, and per stage the active ones inside it and
/// those waiting to enter (in start order). Admission looks only at the stage that changed, never at every execution.
/// Guarded by the store's lock.
/// </summary>
public sealed class PipelineLanes
{
    private readonly Dictionary<int, StageLane> stages = [];

    /// <summary>Every execution of the pipeline, oldest first.</summary>
    public List<PipelineExecutionRecord> ByStart { get; } = [];

    public IEnumerable<int> StageIndices => stages.Keys.ToList();

    public StageLane Stage(int index)
    {
        if (!stages.TryGetValue(index, out var lane)) stages[index] = lane = new StageLane();
        return lane;
    }

    /// <summary>Puts an active execution where its record says it is (after a load or a new declaration).</summary>
    public void Place(PipelineExecutionRecord execution)
    {
        var lane = Stage(execution.StageIndex);
        if (execution.Waiting) lane.Waiting[execution.Sequence] = execution;
        else lane.Inside.Add(execution.Id);
    }

    /// <summary>Takes the execution out of its stage; true when it was inside (so the stage has room now).</summary>
    public bool Leave(PipelineExecutionRecord execution)
    {
        if (!stages.TryGetValue(execution.StageIndex, out var lane)) return false;
        lane.Waiting.Remove(execution.Sequence);
        return lane.Inside.Remove(execution.Id);
    }

    public void ClearStages() => stages.Clear();
}

/// <summary>One stage of one pipeline: the executions inside it and those waiting to enter, by start sequence.</summary>
public sealed class StageLane
{
    public HashSet<string> Inside { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<long, PipelineExecutionRecord> Waiting { get; } = [];
}
