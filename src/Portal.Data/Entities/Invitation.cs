namespace Portal.Data.Entities;

/// <summary>What an invited person becomes when they accept.</summary>
public enum InvitedRole
{
    Operator,
    CustomerAdmin,
    CustomerMember,
}

/// <summary>
/// A single-use, expiring invitation sent by e-mail. Only the link token's hash is stored; accepting creates the
/// account (with a password, or linked to a single sign-on identity with the same verified e-mail).
/// </summary>
public class Invitation
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Email { get; set; }
    public InvitedRole Role { get; set; }

    /// <summary>The customer a customer admin or member joins; null for operators.</summary>
    public Guid? CustomerId { get; set; }
    public Customer? Customer { get; set; }

    public required string TokenHash { get; set; }
    public Guid? InvitedById { get; set; }
    public required string InvitedByName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsOpenAt(DateTimeOffset now) => AcceptedAt is null && RevokedAt is null && now < ExpiresAt;

    public void Accept(DateTimeOffset now)
    {
        if (!IsOpenAt(now)) throw new InvalidTransitionException("Invitation", "used, revoked or expired", "be accepted");
        AcceptedAt = now;
    }
}
