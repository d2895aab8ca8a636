namespace Portal.Aws.CodePipeline;

/// <summary>The CodePipeline operations the portal uses (JSON 1.1 protocol, target prefix CodePipeline_20150709).</summary>
public interface IPipelines
{
    /// <summary>Returns the execution id. The same clientRequestToken returns the same execution instead of starting a second.</summary>
    Task<string> StartExecutionAsync(StartPipelineExecutionRequest request, CancellationToken cancellationToken = default);

    Task<PipelineState> GetStateAsync(string pipelineName, CancellationToken cancellationToken = default);

    Task<PipelineExecutionDetail> GetExecutionAsync(string pipelineName, string pipelineExecutionId, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<AwsPage<PipelineExecutionSummary>> ListExecutionsAsync(string pipelineName, int? maxResults = null, string? nextToken = null, CancellationToken cancellationToken = default);

    /// <summary>Returns when AWS recorded the decision. An approval no longer waiting for this token (stale token, decided
    /// elsewhere, execution or action gone) throws <see cref="AwsApprovalNotPendingException"/>.</summary>
    Task<DateTimeOffset> PutApprovalResultAsync(ApprovalResultRequest request, CancellationToken cancellationToken = default);

    /// <summary>Returns the stopped execution's id.</summary>
    Task<string> StopExecutionAsync(string pipelineName, string pipelineExecutionId, string? reason = null, bool abandon = false, CancellationToken cancellationToken = default);

    /// <summary>Retries the failed actions (retryMode FAILED_ACTIONS) or all actions (ALL_ACTIONS) of a stage; returns the execution id.</summary>
    Task<string> RetryStageExecutionAsync(string pipelineName, string stageName, string pipelineExecutionId, string retryMode = "FAILED_ACTIONS", CancellationToken cancellationToken = default);

    /// <summary>The action executions of one pipeline execution (all pages), with their output artifacts' S3 locations.</summary>
    Task<IReadOnlyList<ActionExecutionDetail>> ListActionExecutionsAsync(string pipelineName, string pipelineExecutionId, CancellationToken cancellationToken = default);
}

public sealed record StartPipelineExecutionRequest(string PipelineName)
{
    public string? ClientRequestToken { get; init; }

    /// <summary>Pipeline-level variables (type V2 pipelines), e.g. CommitId, Branch, Author, Message.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// sourceRevisions: what a source action reads in this execution instead of its configured latest revision, e.g. an
    /// S3 source's object key (S3_OBJECT_KEY, where the action allows it) and version (S3_OBJECT_VERSION_ID).
    /// </summary>
    public IReadOnlyList<SourceRevision> SourceRevisions { get; init; } = [];
}

/// <summary>One SourceRevisionOverride of StartPipelineExecution.</summary>
public sealed record SourceRevision(string ActionName, string RevisionType, string RevisionValue)
{
    public const string S3ObjectKey = "S3_OBJECT_KEY";
    public const string S3ObjectVersionId = "S3_OBJECT_VERSION_ID";

    /// <summary>An S3 source action reads exactly this version of this object.</summary>
    public static IReadOnlyList<SourceRevision> S3Object(string actionName, string key, string versionId) =>
        [new(actionName, S3ObjectKey, key), new(actionName, S3ObjectVersionId, versionId)];
}

/// <summary>
/// One action execution (ListActionExecutions' ActionExecutionDetail). Status: InProgress, Abandoned, Succeeded, Failed.
/// <see cref="ExternalExecutionId"/> is the provider's own id (a CodeBuild build id, an S3 version id).
/// </summary>
public sealed record ActionExecutionDetail(
    string StageName,
    string ActionName,
    string Status,
    string? ExternalExecutionId,
    string? Summary,
    string? ErrorMessage,
    IReadOnlyList<ArtifactLocation> OutputArtifacts)
{
    /// <summary>When the action began (startTime) and last changed (lastUpdateTime): a finished action's end.</summary>
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? LastUpdateTime { get; init; }
}

/// <summary>Where CodePipeline put an artifact (its S3 location in the artifact store).</summary>
public sealed record ArtifactLocation(string Name, string Bucket, string Key);

public sealed record PipelineState(string PipelineName, int? PipelineVersion, IReadOnlyList<StageState> Stages, DateTimeOffset? Updated);

public sealed record StageState(string StageName, StageExecutionInfo? LatestExecution, IReadOnlyList<ActionState> Actions);

/// <summary>Status: Cancelled, InProgress, Failed, Stopped, Stopping, Succeeded.</summary>
public sealed record StageExecutionInfo(string PipelineExecutionId, string Status);

public sealed record ActionState(string ActionName, ActionExecutionInfo? LatestExecution);

/// <summary>
/// One action's latest execution. Status: InProgress, Abandoned, Succeeded, Failed. A manual approval waiting for a
/// decision is InProgress and carries the <see cref="Token"/> PutApprovalResult needs.
/// </summary>
public sealed record ActionExecutionInfo(
    string? ActionExecutionId,
    string Status,
    string? Summary,
    DateTimeOffset? LastStatusChange,
    string? Token,
    string? ErrorCode,
    string? ErrorMessage);

public sealed record PipelineExecutionDetail(
    string PipelineName,
    string PipelineExecutionId,
    // Cancelled, InProgress, Stopped, Stopping, Succeeded, Superseded, Failed.
    string Status,
    string? StatusSummary,
    IReadOnlyDictionary<string, string> Variables,
    IReadOnlyList<ArtifactRevisionInfo> ArtifactRevisions);

public sealed record ArtifactRevisionInfo(string Name, string? RevisionId, string? RevisionSummary);

public sealed record PipelineExecutionSummary(
    string PipelineExecutionId,
    string Status,
    string? StatusSummary,
    DateTimeOffset? StartTime,
    DateTimeOffset? LastUpdateTime,
    // StartPipelineExecution, Webhook, CloudWatchEvent... and the user or event that started it.
    string? TriggerType,
    string? TriggerDetail)
{
    /// <summary>The reason given to StopPipelineExecution (stopTrigger.reason), for an execution stopped or stopping.</summary>
    public string? StopReason { get; init; }
}

public sealed record ApprovalResultRequest(string PipelineName, string StageName, string ActionName, string Token, bool Approved, string Summary);
