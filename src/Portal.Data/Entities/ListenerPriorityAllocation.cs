namespace Portal.Data.Entities;

/// <summary>A listener rule priority held by one host environment. (ListenerArn, Priority) is unique in the database.</summary>
public class ListenerPriorityAllocation
{
    public long Id { get; set; }
    public required string ListenerArn { get; set; }
    public int Priority { get; set; }
    public Guid HostEnvironmentId { get; set; }
    public HostEnvironment HostEnvironment { get; set; } = null!;
    public DateTimeOffset AllocatedAt { get; set; } = DateTimeOffset.UtcNow;
}
