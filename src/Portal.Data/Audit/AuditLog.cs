using Portal.Data.Entities;

namespace Portal.Data.Audit;

/// <summary>Adds audit entries to the same unit of work as the change they describe, so both commit or neither does.</summary>
public static class AuditLog
{
    public static AuditEntry Record(this PortalDbContext db, Actor actor, string action, string? details = null,
        Guid? customerId = null, Guid? hostId = null)
    {
        var entry = new AuditEntry
        {
            ActorId = actor.UserId,
            ActorName = actor.Name,
            SourceAddress = actor.SourceAddress,
            Action = action,
            Details = details,
            CustomerId = customerId,
            HostId = hostId,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }
}

/// <summary>Who an audit entry is about: a signed-in user, GitLab, or the portal itself.</summary>
public sealed record Actor(Guid? UserId, string Name, string? SourceAddress = null)
{
    public static readonly Actor System = new(null, "system");
}
