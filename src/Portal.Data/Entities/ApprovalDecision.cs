namespace Portal.Data.Entities;

/// <summary>An operator's approval or rejection of a release waiting at a manual approval.</summary>
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

    /// <summary>True when this decision was the one sent to AWS with PutApprovalResult.</summary>
    public bool SentToAws { get; set; }
}

public enum ApprovalOutcome { Approved, Rejected }
