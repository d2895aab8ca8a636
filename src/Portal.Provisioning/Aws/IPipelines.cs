namespace Portal.Provisioning.Aws;

/// <summary>The CodePipeline operations the portal uses (JSON 1.1 protocol, target prefix CodePipeline_20150709).</summary>
public interface IPipelines
{
    /// <summary>Returns the execution id. The same clientRequestToken returns the same execution instead of starting a second.</summary>
    Task<string> StartExecutionAsync(StartPipelineExecutionRequest request, CancellationToken cancellationToken = default);

    Task<PipelineState> GetStateAsync(string pipelineName, CancellationToken cancellationToken = default);

    Task<PipelineExecutionDetail> GetExecutionAsync(string pipelineName, string pipelineExecutionId, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<AwsPage<PipelineExecutionSummary>> ListExecutionsAsync(string pipelineName, int? maxResults = null, string? nextToken = null, CancellationToken cancellationToken = default);

    /// <summary>A token that is no longer current answers InvalidApprovalTokenException (as <see cref="AwsValidationException"/>);
    /// an action no longer waiting answers ApprovalAlreadyCompletedException.</summary>
    Task<DateTimeOffset> PutApprovalResultAsync(ApprovalResultRequest request, CancellationToken cancellationToken = default);

    /// <summary>Returns the stopped execution's id.</summary>
    Task<string> StopExecutionAsync(string pipelineName, string pipelineExecutionId, string? reason = null, bool abandon = false, CancellationToken cancellationToken = default);

    /// <summary>Retries the failed actions (retryMode FAILED_ACTIONS) or all actions (ALL_ACTIONS) of a stage; returns the execution id.</summary>
    Task<string> RetryStageExecutionAsync(string pipelineName, string stageName, string pipelineExecutionId, string retryMode = "FAILED_ACTIONS", CancellationToken cancellationToken = default);
}

public sealed record StartPipelineExecutionRequest(string PipelineName)
{
    public string? ClientRequestToken { get; init; }

    /// <summary>Pipeline-level variables (type V2 pipelines), e.g. CommitId, Branch, Author, Message.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();
}

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
    /// <summary>Cancelled, InProgress, Stopped, Stopping, Succeeded, Superseded, Failed.</summary>
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
    /// <summary>StartPipelineExecution, Webhook, CloudWatchEvent... and the user or event that started it.</summary>
    string? TriggerType,
    string? TriggerDetail);

public sealed record ApprovalResultRequest(string PipelineName, string StageName, string ActionName, string Token, bool Approved, string Summary);
