namespace Portal.Data.Entities;

/// <summary>
/// A browser sign-in. The cookie carries only the session's id; every request and every open circuit checks the row,
/// so ending it (sign-out, removal, "sign out everywhere") ends the access at once, for copies of the cookie too.
/// </summary>
public class UserSession
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid UserId { get; set; }
    public PortalUser User { get; set; } = null!;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndReason { get; set; }
    public string? SourceAddress { get; set; }

    public bool IsEnded => EndedAt is not null;

    public void End(DateTimeOffset now, string reason)
    {
        if (EndedAt is not null) return;
        EndedAt = now;
        EndReason = reason;
    }
}
