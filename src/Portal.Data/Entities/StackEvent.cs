namespace Portal.Data.Entities;

/// <summary>A CloudFormation stack event copied into the database so pages can show it live.</summary>
public class StackEvent
{
    public long Id { get; set; }
    public Guid HostEnvironmentId { get; set; }
    public HostEnvironment HostEnvironment { get; set; } = null!;

    /// <summary>AWS's EventId; unique, so copying the same event twice is harmless.</summary>
    public required string EventId { get; set; }
    public required string StackName { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public required string LogicalResourceId { get; set; }
    public string? ResourceType { get; set; }
    public required string ResourceStatus { get; set; }
    public string? ResourceStatusReason { get; set; }
}
