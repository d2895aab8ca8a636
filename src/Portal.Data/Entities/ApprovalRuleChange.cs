namespace Portal.Data.Entities;

/// <summary>
/// An operator's proposal to lower a host's production approvals. It applies only once a second operator confirms it,
/// and then only to releases that start waiting afterwards (each release keeps the count it started waiting under).
/// A host has at most one open proposal (a unique index).
/// </summary>
public class ApprovalRuleChange
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid HostId { get; set; }
    public Host Host { get; set; } = null!;
    public int From { get; set; }
    public int To { get; set; }
    public Guid ProposedById { get; set; }
    public PortalUser ProposedBy { get; set; } = null!;
    public DateTimeOffset ProposedAt { get; set; }

    private RuleChangeState state = RuleChangeState.Proposed;
    public RuleChangeState State { get => state; init => state = value; }
    public Guid? DecidedById { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>Whether <paramref name="operatorId"/> may confirm it: anyone but the operator who proposed it.</summary>
    public bool CanBeConfirmedBy(Guid operatorId) => state == RuleChangeState.Proposed && operatorId != ProposedById;

    public void Confirm(Guid operatorId, DateTimeOffset now)
    {
        if (!CanBeConfirmedBy(operatorId)) throw new InvalidTransitionException(nameof(ApprovalRuleChange), state, "be confirmed by this operator");
        Decide(RuleChangeState.Confirmed, operatorId, now);
    }

    /// <summary>Withdrawn by its proposer, refused by another operator, or replaced by a newer rule: it never applies.</summary>
    public void Withdraw(Guid operatorId, DateTimeOffset now)
    {
        if (state != RuleChangeState.Proposed) throw new InvalidTransitionException(nameof(ApprovalRuleChange), state, "be withdrawn");
        Decide(RuleChangeState.Withdrawn, operatorId, now);
    }

    private void Decide(RuleChangeState next, Guid operatorId, DateTimeOffset now)
    {
        state = next;
        DecidedById = operatorId;
        DecidedAt = now;
    }
}

public enum RuleChangeState { Proposed, Confirmed, Withdrawn }
