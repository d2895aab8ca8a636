namespace Portal.Data.Entities;

/// <summary>
/// An approval or rejection of a release waiting at a manual approval: an operator's, or (<see cref="CustomerStep"/>) one
/// of the customer's approvers' (then <see cref="OperatorId"/> names that customer user).
/// </summary>
public class ApprovalDecision
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ReleaseId { get; set; }
    public Release Release { get; set; } = null!;
    public Guid OperatorId { get; set; }
    public PortalUser Operator { get; set; } = null!;
    /// <summary>
    /// SHA-256 (hex) of the approval token the decision was made on. A decision counts only towards the approval it was
    /// made on: a release run again waits at a new approval with a new token and needs new decisions.
    /// </summary>
    public required string ApprovalTokenHash { get; set; }
    public ApprovalOutcome Outcome { get; set; }
    public required string Comment { get; set; }
    public DateTimeOffset DecidedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>A customer approver decided it: the customer's step of a production release, not an operator's approval.</summary>
    public bool CustomerStep { get; set; }

    /// <summary>True when this decision was the one sent to AWS with PutApprovalResult.</summary>
    public bool SentToAws { get; set; }
}

public enum ApprovalOutcome { Approved, Rejected }
