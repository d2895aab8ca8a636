namespace Portal.AwsEmulator.Faults;

/// <summary>A stack resource that fails with <see cref="Reason"/>, chosen by type and/or logical id, optionally only in one stack.</summary>
public sealed class ResourceFault
{
    public string? Id { get; set; }
    public string? ResourceType { get; set; }
    public string? LogicalId { get; set; }
    public string? StackName { get; set; }

    /// <summary>
    /// Create, Update, Delete or Rollback (putting the resource back during an update's rollback: the stack ends
    /// UPDATE_ROLLBACK_FAILED); null fails creations and updates (a rollback can still delete or revert the resource).
    /// </summary>
    public string? Operation { get; set; }
    public string Reason { get; set; } = "Resource handler returned message: \"Injected failure\" (HandlerErrorCode: GeneralServiceException)";
    public int? Times { get; set; }

    public bool Matches(string stackName, string logicalId, string resourceType, string operation) =>
        (ResourceType is null || ResourceType.Equals(resourceType, StringComparison.Ordinal))
        && (LogicalId is null || LogicalId.Equals(logicalId, StringComparison.Ordinal))
        && (StackName is null || StackName.Equals(stackName, StringComparison.Ordinal))
        && (Operation is null ? operation is "Create" or "Update" : Operation.Equals(operation, StringComparison.OrdinalIgnoreCase))
        && (ResourceType is not null || LogicalId is not null);
}
