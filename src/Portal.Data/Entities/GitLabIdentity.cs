namespace Portal.Data.Entities;

/// <summary>
/// The GitLab user a portal user proved to be: the portal asked GitLab (GET /user) with a personal access token the user
/// gave once, and recorded GitLab's numeric id. Pushes name their pusher by that id (push events' user_id), so the
/// two-person rule compares ids, never names or e-mails (which anyone can type, and GitLab may send as "[REDACTED]").
/// One GitLab user belongs to at most one portal user (a unique index).
/// </summary>
public class GitLabIdentity
{
    public Guid UserId { get; set; }
    public PortalUser User { get; set; } = null!;
    public long GitLabUserId { get; set; }

    /// <summary>GitLab's username when verified, for people to read; never compared.</summary>
    public required string Username { get; set; }
    public DateTimeOffset VerifiedAt { get; set; } = DateTimeOffset.UtcNow;
}
