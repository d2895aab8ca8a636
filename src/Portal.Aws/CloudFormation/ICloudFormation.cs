namespace Portal.Aws.CloudFormation;

/// <summary>The CloudFormation operations the portal uses (Query protocol, API version 2010-05-15).</summary>
public interface ICloudFormation
{
    /// <summary>Returns the new stack's id. A repeated call with the same ClientRequestToken is a no-op, as in AWS.</summary>
    Task<string> CreateStackAsync(CreateStackRequest request, CancellationToken cancellationToken = default);

    /// <summary>Started with the stack id, or <see cref="StackUpdate.NoChanges"/> when AWS answers "No updates are to be performed."</summary>
    Task<StackUpdate> UpdateStackAsync(UpdateStackRequest request, CancellationToken cancellationToken = default);

    /// <summary><paramref name="retainResources"/>: only for a stack in DELETE_FAILED, the logical ids left in place while the stack goes.</summary>
    Task DeleteStackAsync(string stackName, string? clientRequestToken = null, string? roleArn = null, IReadOnlyList<string>? retainResources = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Continues rolling back a stack in UPDATE_ROLLBACK_FAILED toward UPDATE_ROLLBACK_COMPLETE; <paramref name="resourcesToSkip"/> are
    /// logical ids whose rollback failed, which CloudFormation then marks UPDATE_COMPLETE without putting them back.
    /// </summary>
    Task ContinueUpdateRollbackAsync(string stackName, IReadOnlyList<string>? resourcesToSkip = null, string? clientRequestToken = null,
        string? roleArn = null, CancellationToken cancellationToken = default);

    /// <summary>One stack by name or id; null when it does not exist (AWS answers ValidationError "Stack with id X does not exist").</summary>
    Task<StackDescription?> DescribeStackAsync(string stackNameOrId, CancellationToken cancellationToken = default);

    Task<AwsPage<StackDescription>> DescribeStacksAsync(string? stackNameOrId = null, string? nextToken = null, CancellationToken cancellationToken = default);

    /// <summary>Newest first, as AWS returns them.</summary>
    Task<AwsPage<StackEventDescription>> DescribeStackEventsAsync(string stackNameOrId, string? nextToken = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StackResourceDescription>> DescribeStackResourcesAsync(string stackNameOrId, CancellationToken cancellationToken = default);

    Task<ChangeSetCreated> CreateChangeSetAsync(CreateChangeSetRequest request, CancellationToken cancellationToken = default);

    Task<ChangeSetDescription> DescribeChangeSetAsync(string changeSetName, string? stackName = null, string? nextToken = null, CancellationToken cancellationToken = default);

    Task ExecuteChangeSetAsync(string changeSetName, string? stackName = null, string? clientRequestToken = null, CancellationToken cancellationToken = default);

    Task DeleteChangeSetAsync(string changeSetName, string? stackName = null, CancellationToken cancellationToken = default);

    Task<TemplateValidation> ValidateTemplateAsync(string templateBody, CancellationToken cancellationToken = default);
}

public sealed record StackInputParameter(string Key, string? Value = null, bool UsePreviousValue = false);

public sealed record StackInputTag(string Key, string Value);

public sealed record CreateStackRequest(string StackName, string TemplateBody)
{
    public IReadOnlyList<StackInputParameter> Parameters { get; init; } = [];
    public IReadOnlyList<StackInputTag> Tags { get; init; } = [];

    /// <summary>CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public string? ClientRequestToken { get; init; }

    /// <summary>ROLLBACK (AWS's default), DELETE or DO_NOTHING.</summary>
    public string? OnFailure { get; init; }
    public int? TimeoutInMinutes { get; init; }
    public bool? EnableTerminationProtection { get; init; }
    /// <summary>The CloudFormation service role the stack operation runs as (AWS's RoleARN); the caller needs only iam:PassRole.</summary>
    public string? RoleArn { get; init; }
}

public sealed record UpdateStackRequest(string StackName, string TemplateBody)
{
    public IReadOnlyList<StackInputParameter> Parameters { get; init; } = [];
    public IReadOnlyList<StackInputTag> Tags { get; init; } = [];
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public string? ClientRequestToken { get; init; }
    /// <summary>The CloudFormation service role the stack operation runs as (AWS's RoleARN); the caller needs only iam:PassRole.</summary>
    public string? RoleArn { get; init; }
}

public sealed record CreateChangeSetRequest(string StackName, string ChangeSetName, string TemplateBody)
{
    public IReadOnlyList<StackInputParameter> Parameters { get; init; } = [];
    public IReadOnlyList<StackInputTag> Tags { get; init; } = [];
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>UPDATE (default) or CREATE.</summary>
    public string? ChangeSetType { get; init; }
    public string? Description { get; init; }
    public string? ClientToken { get; init; }
    /// <summary>The CloudFormation service role the stack operation runs as (AWS's RoleARN); the caller needs only iam:PassRole.</summary>
    public string? RoleArn { get; init; }
}

public sealed record ChangeSetCreated(string Id, string StackId);

/// <summary>What an UpdateStack call came to: an update started on the stack, or nothing to update.</summary>
public abstract record StackUpdate
{
    public sealed record Started(string StackId) : StackUpdate;

    /// <summary>AWS answered ValidationError "No updates are to be performed.": the template and parameters are already the stack's.</summary>
    public sealed record NoChanges : StackUpdate;
}

public sealed record StackDescription(
    string StackId,
    string StackName,
    string StackStatus,
    string? StackStatusReason,
    DateTimeOffset CreationTime,
    DateTimeOffset? LastUpdatedTime,
    IReadOnlyList<StackInputParameter> Parameters,
    IReadOnlyDictionary<string, string> Outputs,
    IReadOnlyList<StackInputTag> Tags)
{
    /// <summary>The stack is busy (…_IN_PROGRESS); another operation would be refused.</summary>
    public bool InProgress => StackStatus.EndsWith("_IN_PROGRESS", StringComparison.Ordinal);
}

public sealed record StackEventDescription(
    string EventId,
    string StackId,
    string StackName,
    string LogicalResourceId,
    string? PhysicalResourceId,
    string ResourceType,
    DateTimeOffset Timestamp,
    string ResourceStatus,
    string? ResourceStatusReason,
    string? ClientRequestToken);

public sealed record StackResourceDescription(
    string LogicalResourceId,
    string? PhysicalResourceId,
    string ResourceType,
    DateTimeOffset Timestamp,
    string ResourceStatus,
    string? ResourceStatusReason);

public sealed record ChangeSetDescription(
    string ChangeSetId,
    string ChangeSetName,
    string StackId,
    string StackName,
    // CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, DELETE_COMPLETE, FAILED...
    string Status,
    string? StatusReason,
    // UNAVAILABLE, AVAILABLE, EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, EXECUTE_FAILED, OBSOLETE.
    string ExecutionStatus,
    IReadOnlyList<ResourceChange> Changes,
    string? NextToken)
{
    /// <summary>
    /// The change set FAILED only because the stack would not change (AWS's status reason "The submitted information
    /// didn't contain changes…"): a finding, not an error.
    /// </summary>
    public bool HasNoChanges => Status == "FAILED" && StatusReason?.Contains("didn't contain changes", StringComparison.Ordinal) == true;
}

/// <summary>One resource a change set would add, modify or remove.</summary>
public sealed record ResourceChange(
    // Add, Modify, Remove (or Import, Dynamic).
    string Action,
    string LogicalResourceId,
    string? PhysicalResourceId,
    string ResourceType,
    // True, False or Conditional; null for Add and Remove.
    string? Replacement,
    IReadOnlyList<string> Scope);

public sealed record TemplateValidation(
    IReadOnlyList<TemplateParameterInfo> Parameters,
    string? Description,
    IReadOnlyList<string> Capabilities,
    string? CapabilitiesReason);

public sealed record TemplateParameterInfo(string ParameterKey, string? DefaultValue, bool NoEcho, string? Description);
