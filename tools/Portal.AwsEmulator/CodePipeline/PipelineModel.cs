namespace Portal.AwsEmulator.CodePipeline;

public sealed class PipelineRecord
{
    public string Name { get; set; } = "";
    public string Arn { get; set; } = "";
    public int Version { get; set; } = 1;
    public string PipelineType { get; set; } = "V1";

    /// <summary>SUPERSEDED (AWS's default), QUEUED or PARALLEL.</summary>
    public string ExecutionMode { get; set; } = ExecutionModes.Superseded;
    public List<StageDeclaration> Stages { get; set; } = [];
    public List<VariableDeclaration> Variables { get; set; } = [];

    /// <summary>The S3 bucket of ArtifactStore (or of ArtifactStores for the pipeline's region): where artifacts go.</summary>
    public string? ArtifactStore { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset Updated { get; set; }

    /// <summary>Stage name → the execution that entered it last (what GetPipelineState shows).</summary>
    public Dictionary<string, string> LatestStageExecutions { get; set; } = [];

    /// <summary>StartPipelineExecution's clientRequestToken → the execution it started.</summary>
    public Dictionary<string, string> ClientRequestTokens { get; set; } = [];

    public StageDeclaration? Stage(string name) => Stages.FirstOrDefault(s => s.Name == name);
}

public sealed record StageDeclaration(string Name, List<ActionDeclaration> Actions);

public sealed record ActionDeclaration(string Name, string Category, string Owner, string Provider, string Version, int RunOrder, Dictionary<string, string> Configuration,
    List<string>? InputArtifacts = null, List<string>? OutputArtifacts = null, string? Namespace = null)
{
    public bool IsManualApproval => Category == "Approval" && Provider == "Manual";
}

public sealed record VariableDeclaration(string Name, string? DefaultValue, string? Description);

public sealed class PipelineExecutionRecord
{
    public string Id { get; set; } = "";
    public string PipelineName { get; set; } = "";
    public int PipelineVersion { get; set; }

    /// <summary>Start order within the pipeline: "newer" in the execution modes' sense.</summary>
    public long Sequence { get; set; }
    public string Status { get; set; } = ExecutionStatuses.InProgress;
    public string? StatusSummary { get; set; }
    public DateTimeOffset StartTime { get; set; }
    public DateTimeOffset LastUpdateTime { get; set; }
    public string ExecutionMode { get; set; } = ExecutionModes.Superseded;
    public Dictionary<string, string> Variables { get; set; } = [];
    public string TriggerType { get; set; } = "StartPipelineExecution";
    public string TriggerDetail { get; set; } = "";
    public string? StopReason { get; set; }

    /// <summary>The stage the execution is in, or waits to enter when <see cref="Waiting"/>.</summary>
    public int StageIndex { get; set; }
    public bool Waiting { get; set; } = true;

    /// <summary>StartPipelineExecution's sourceRevisions, checked against the declaration.</summary>
    public List<SourceRevisionRecord> SourceRevisions { get; set; } = [];

    /// <summary>What each source action read (GetPipelineExecution's artifactRevisions).</summary>
    public List<ArtifactRevisionRecord> ArtifactRevisions { get; set; } = [];

    /// <summary>Artifact name → where the action that produced it put it in the artifact store.</summary>
    public Dictionary<string, ArtifactLocation> Artifacts { get; set; } = [];

    /// <summary>RetryStageExecution with FAILED_ACTIONS re-runs only the actions that did not succeed.</summary>
    public bool RetryFailedActionsOnly { get; set; }
    public Dictionary<string, StageExecutionRecord> Stages { get; set; } = [];

    public bool IsActive => Status is ExecutionStatuses.InProgress or ExecutionStatuses.Stopping;
}

public sealed class StageExecutionRecord
{
    public string Status { get; set; } = ExecutionStatuses.InProgress;
    public Dictionary<string, ActionExecutionRecord> Actions { get; set; } = [];
}

public sealed class ActionExecutionRecord
{
    public string ActionExecutionId { get; set; } = "";
    public string Status { get; set; } = ExecutionStatuses.InProgress;
    public string? Summary { get; set; }

    /// <summary>When the action began (ListActionExecutions' startTime).</summary>
    public DateTimeOffset StartTime { get; set; }
    public DateTimeOffset LastStatusChange { get; set; }
    public string? Token { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? ExternalExecutionId { get; set; }
    public string? ExternalExecutionUrl { get; set; }
    public string? ExternalExecutionSummary { get; set; }
    public string? LastUpdatedBy { get; set; }
    public Dictionary<string, string> ResolvedConfiguration { get; set; } = [];
    public Dictionary<string, ArtifactLocation> InputArtifacts { get; set; } = [];
    public Dictionary<string, ArtifactLocation> OutputArtifacts { get; set; } = [];
    public Dictionary<string, string> OutputVariables { get; set; } = [];
}

public sealed record SourceRevisionRecord(string ActionName, string RevisionType, string RevisionValue);

public sealed record ArtifactRevisionRecord(string Name, string ActionName, string RevisionId, string? RevisionSummary, DateTimeOffset Created, string? RevisionUrl);

/// <summary>An object in the artifact store (or the source bucket).</summary>
public sealed record ArtifactLocation(string Bucket, string Key);

public static class ExecutionModes
{
    public const string Superseded = "SUPERSEDED";
    public const string Queued = "QUEUED";
    public const string Parallel = "PARALLEL";
}

public static class ExecutionStatuses
{
    public const string InProgress = "InProgress";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Stopped = "Stopped";
    public const string Stopping = "Stopping";
    public const string Superseded = "Superseded";
    public const string Abandoned = "Abandoned";
    public const string Cancelled = "Cancelled";
}

/// <summary>Pipelines and executions of one region, as persisted.</summary>
public sealed class PipelineData
{
    public List<PipelineRecord> Pipelines { get; set; } = [];
    public List<PipelineExecutionRecord> Executions { get; set; } = [];
    public long NextSequence { get; set; }
}
