using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Stacks;

/// <summary>Stack events as CloudFormation writes them. Callers hold the store's lock (they run inside StackStore.Change/Write).</summary>
public static class StackEvents
{
    /// <summary>Sets the stack's status and records the stack-level event.</summary>
    public static void SetStatus(StackRecord stack, string status, string? reason, string? clientRequestToken)
    {
        stack.Status = status;
        stack.StatusReason = reason;
        stack.Events.Add(New(stack, stack.StackName, stack.StackId, StackRecord.ResourceType, status, reason, clientRequestToken));
    }

    public static StackEventRecord New(StackRecord stack, string logicalId, string? physicalId, string type, string status, string? reason, string? clientRequestToken) =>
        new($"{logicalId}-{Ids.Uuid()}", stack.StackId, stack.StackName, logicalId, physicalId, type, DateTimeOffset.UtcNow, status, reason, clientRequestToken);
}
