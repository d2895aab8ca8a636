using Portal.Data.Entities;

namespace Portal.Releases.Approvals;

/// <summary>
/// What became of an approval or rejection (an operator's, or a customer approver's). <see cref="Approvals"/> counts the
/// operators' approvals; the customer's step is <see cref="CustomerApprovalRequired"/> and <see cref="CustomerApproved"/>.
/// </summary>
public sealed record DecisionResult(DecisionOutcome Outcome, string Message, ReleaseState? ReleaseState = null, int Approvals = 0, int RequiredApprovals = 0,
    bool CustomerApprovalRequired = false, bool CustomerApproved = false)
{
    /// <summary>The decision was taken (recorded, or sent to AWS).</summary>
    public bool Accepted => Outcome is DecisionOutcome.Recorded or DecisionOutcome.Approved or DecisionOutcome.Rejected;

    /// <summary>The release still waits for the customer's approver.</summary>
    public bool WaitingForCustomer => CustomerApprovalRequired && !CustomerApproved && ReleaseState == Data.Entities.ReleaseState.WaitingForApproval;
}

public enum DecisionOutcome
{
    /// <summary>An approval recorded in the portal; another approval (an operator's or the customer's) is still needed before AWS hears of it.</summary>
    Recorded,

    /// <summary>The last approval needed: sent to AWS, the execution goes on to Deploy.</summary>
    Approved,

    /// <summary>Sent to AWS: the execution fails at the approval.</summary>
    Rejected,

    NotFound,

    /// <summary>No comment, or too long a one.</summary>
    Invalid,

    /// <summary>The release no longer waits at this approval (superseded, stopped, decided elsewhere); nothing was sent.</summary>
    Stale,

    /// <summary>The approver pushed the commit and may not approve it.</summary>
    OwnPush,

    /// <summary>A production approval the portal cannot check: the approver has no verified GitLab identity, or the push named no pusher.</summary>
    Unverified,

    /// <summary>The approver already decided on this approval.</summary>
    AlreadyDecided,

    /// <summary>The step this approver takes is already approved (the operators' count is reached, or another customer approver approved).</summary>
    StepComplete,

    /// <summary>A customer user who is not one of the host's approvers.</summary>
    NotApprover,

    /// <summary>A customer approver on a release whose wait needs no customer approval (dev or staging, or no approvers when it started waiting).</summary>
    NoCustomerStep,

    /// <summary>AWS kept throttling or failing; nothing was recorded, trying again later may work.</summary>
    AwsUnavailable,

    /// <summary>AWS refused the call for another reason; nothing was recorded.</summary>
    AwsRefused,
}
