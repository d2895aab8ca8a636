using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.CloudFormation.Stacks;

public sealed class StackRecord
{
    /// <summary>The ResourceType of stack-level events.</summary>
    public const string ResourceType = "AWS::CloudFormation::Stack";

    public string StackId { get; set; } = "";
    public string StackName { get; set; } = "";
    public string Status { get; set; } = StackStatuses.CreateInProgress;
    public string? StatusReason { get; set; }
    public DateTimeOffset CreationTime { get; set; }
    public DateTimeOffset? LastUpdatedTime { get; set; }
    public DateTimeOffset? DeletionTime { get; set; }
    public string? Description { get; set; }
    public string TemplateBody { get; set; } = "";
    public List<StackParameterValue> Parameters { get; set; } = [];
    public List<StackTag> Tags { get; set; } = [];
    public List<string> Capabilities { get; set; } = [];
    public List<string> NotificationArns { get; set; } = [];
    public string? RoleArn { get; set; }
    public bool DisableRollback { get; set; }
    public int? TimeoutInMinutes { get; set; }
    public bool EnableTerminationProtection { get; set; }
    public List<StackOutput> Outputs { get; set; } = [];

    /// <summary>In creation order.</summary>
    public List<StackResourceRecord> Resources { get; set; } = [];

    /// <summary>Oldest first; DescribeStackEvents answers newest first.</summary>
    public List<StackEventRecord> Events { get; set; } = [];

    /// <summary>"Operation:token" of every ClientRequestToken an operation on this stack was started with.</summary>
    public List<string> ClientRequestTokens { get; set; } = [];
    public List<ChangeSetRecord> ChangeSets { get; set; } = [];

    /// <summary>What the running operation needs to go on after a restart (null when the stack is idle).</summary>
    public StackOperationRecord? Operation { get; set; }

    /// <summary>In UPDATE_ROLLBACK_FAILED: what the update's rollback has left to do, for ContinueUpdateRollback.</summary>
    public PendingRollback? PendingRollback { get; set; }

    public bool IsDeleted => Status == StackStatuses.DeleteComplete;
    public bool IsInProgress => Status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal);

    public StackResourceRecord? Resource(string logicalId) => Resources.FirstOrDefault(r => r.LogicalId == logicalId);

    public IReadOnlyDictionary<string, string> ParameterValues() => Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}

public sealed record StackParameterValue(string Key, string Value, bool NoEcho);

public sealed record StackTag(string Key, string Value);

public sealed record StackOutput(string Key, string Value, string? Description, string? ExportName);

public sealed class StackResourceRecord
{
    public string LogicalId { get; set; } = "";
    public string Type { get; set; } = "";
    public string? PhysicalId { get; set; }
    public string Status { get; set; } = "";
    public string? StatusReason { get; set; }
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>The properties as created or last updated, intrinsic functions resolved.</summary>
    public JsonObject Properties { get; set; } = [];
    public JsonObject Attributes { get; set; } = [];
    public List<string> DependsOn { get; set; } = [];
    public string DeletionPolicy { get; set; } = "Delete";
    public string UpdateReplacePolicy { get; set; } = "Delete";

    public StackResourceRecord Copy() => new()
    {
        LogicalId = LogicalId, Type = Type, PhysicalId = PhysicalId, Status = Status, StatusReason = StatusReason, Timestamp = Timestamp,
        Properties = (JsonObject)Properties.DeepClone(), Attributes = (JsonObject)Attributes.DeepClone(), DependsOn = [.. DependsOn],
        DeletionPolicy = DeletionPolicy, UpdateReplacePolicy = UpdateReplacePolicy,
    };
}

public sealed record StackEventRecord(
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

/// <summary>The operation a stack is going through: kind, the template and parameters it goes to, and its token.</summary>
public sealed class StackOperationRecord
{
    public string Kind { get; set; } = "";
    public string TemplateBody { get; set; } = "";
    public List<StackParameterValue> Parameters { get; set; } = [];
    public string? ClientRequestToken { get; set; }
    public string OnFailure { get; set; } = "ROLLBACK";
    public string? ChangeSetId { get; set; }
}

/// <summary>An update's rollback that could not finish: the resources still to put back and what the cleanup must remove.</summary>
public sealed class PendingRollback
{
    /// <summary>Why the update failed: the reason the stack ends UPDATE_ROLLBACK_COMPLETE with.</summary>
    public string? Failure { get; set; }
    public StackSnapshot Before { get; set; } = null!;

    /// <summary>The resources as they were before the update, whose putting back failed.</summary>
    public List<StackResourceRecord> Revert { get; set; } = [];

    /// <summary>Resources the update created (deleted by the cleanup).</summary>
    public List<string> Created { get; set; } = [];

    /// <summary>New physical resources of replacements the rollback left behind (deleted by the cleanup).</summary>
    public List<StackResourceRecord> Abandoned { get; set; } = [];
}

public sealed class ChangeSetRecord
{
    public string ChangeSetId { get; set; } = "";
    public string ChangeSetName { get; set; } = "";
    public string? Description { get; set; }
    public string ChangeSetType { get; set; } = "UPDATE";
    public string Status { get; set; } = "CREATE_PENDING";
    public string? StatusReason { get; set; }
    public string ExecutionStatus { get; set; } = "UNAVAILABLE";
    public DateTimeOffset CreationTime { get; set; }
    public string TemplateBody { get; set; } = "";
    public List<StackParameterValue> Parameters { get; set; } = [];
    public List<StackTag> Tags { get; set; } = [];
    public List<string> Capabilities { get; set; } = [];
    public List<string> NotificationArns { get; set; } = [];
    public string? ClientToken { get; set; }

    /// <summary>The role CreateChangeSet named; ExecuteChangeSet makes it the stack's.</summary>
    public string? RoleArn { get; set; }
    public List<ResourceChangeRecord> Changes { get; set; } = [];
}

public sealed record ResourceChangeRecord(
    string Action,
    string LogicalResourceId,
    string? PhysicalResourceId,
    string ResourceType,
    string? Replacement,
    List<string> Scope,
    List<ResourceChangeDetail> Details);

public sealed record ResourceChangeDetail(string Attribute, string? Name, string RequiresRecreation, string Evaluation, string ChangeSource, string? CausingEntity);

public static class StackStatuses
{
    public const string CreateInProgress = "CREATE_IN_PROGRESS";
    public const string CreateComplete = "CREATE_COMPLETE";
    public const string CreateFailed = "CREATE_FAILED";
    public const string RollbackInProgress = "ROLLBACK_IN_PROGRESS";
    public const string RollbackComplete = "ROLLBACK_COMPLETE";
    public const string RollbackFailed = "ROLLBACK_FAILED";
    public const string DeleteInProgress = "DELETE_IN_PROGRESS";
    public const string DeleteComplete = "DELETE_COMPLETE";
    public const string DeleteFailed = "DELETE_FAILED";
    public const string DeleteSkipped = "DELETE_SKIPPED";
    public const string UpdateInProgress = "UPDATE_IN_PROGRESS";
    public const string UpdateComplete = "UPDATE_COMPLETE";
    public const string UpdateFailed = "UPDATE_FAILED";
    public const string UpdateCompleteCleanupInProgress = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS";
    public const string UpdateRollbackInProgress = "UPDATE_ROLLBACK_IN_PROGRESS";
    public const string UpdateRollbackComplete = "UPDATE_ROLLBACK_COMPLETE";
    public const string UpdateRollbackFailed = "UPDATE_ROLLBACK_FAILED";
    public const string UpdateRollbackCompleteCleanupInProgress = "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS";
    public const string ReviewInProgress = "REVIEW_IN_PROGRESS";

    /// <summary>The statuses UpdateStack, CreateChangeSet (UPDATE) and ExecuteChangeSet accept.</summary>
    public static readonly IReadOnlySet<string> Updatable = new HashSet<string>
        { CreateComplete, UpdateComplete, UpdateRollbackComplete, "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE" };
}
