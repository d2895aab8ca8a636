namespace Portal.Data.Entities;

/// <summary>Who did what, when, to which customer or host. Append-only.</summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;
    public Guid? ActorId { get; set; }

    /// <summary>The actor as shown to people (e-mail, "gitlab", "system"), kept even if the user is deleted.</summary>
    public required string ActorName { get; set; }
    public Guid? CustomerId { get; set; }
    public Guid? HostId { get; set; }
    public required string Action { get; set; }
    public string? Details { get; set; }
    public string? SourceAddress { get; set; }
}
