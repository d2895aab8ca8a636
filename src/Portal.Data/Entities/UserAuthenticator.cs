namespace Portal.Data.Entities;

/// <summary>
/// A user's authenticator app (TOTP, RFC 6238): the shared secret, encrypted with the data-protection key ring (the portal
/// must read it to check codes). Unconfirmed while enrolling; confirmed by the first right code. <see cref="LastAcceptedStep"/>
/// is the newest 30-second step a code was accepted for: a step is never accepted twice, so a seen code cannot be replayed.
/// </summary>
public class UserAuthenticator
{
    public Guid UserId { get; set; }
    public required string ProtectedSecret { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public long LastAcceptedStep { get; set; }

    public bool IsConfirmed => ConfirmedAt is not null;
}

/// <summary>One of a user's single-use recovery codes, stored only as a hash.</summary>
public class RecoveryCode
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid UserId { get; set; }
    public required string CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>A password-reset link: single-use, expiring, only its hash stored.</summary>
public class PasswordReset
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid UserId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    public bool IsOpenAt(DateTimeOffset now) => UsedAt is null && ExpiresAt > now;
}
