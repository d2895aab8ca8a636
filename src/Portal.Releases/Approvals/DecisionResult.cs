using Portal.Data.Entities;

namespace Portal.Releases.Approvals;

/// <summary>What became of an operator's approval or rejection.</summary>
public sealed record DecisionResult(DecisionOutcome Outcome, string Message, ReleaseState? ReleaseState = null, int Approvals = 0, int RequiredApprovals = 0)
{
    /// <summary>The decision was taken (recorded, or sent to AWS).</summary>
    public bool Accepted => Outcome is DecisionOutcome.Recorded or DecisionOutcome.Approved or DecisionOutcome.Rejected;
}

public enum DecisionOutcome
{
    /// <summary>An approval recorded in the portal; another operator's approval is still needed before AWS hears of it.</summary>
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

    /// <summary>The operator pushed the commit and may not approve it.</summary>
    OwnPush,

    /// <summary>A production approval the portal cannot check: the approver has no verified GitLab identity, or the push named no pusher.</summary>
    Unverified,

    /// <summary>The operator already decided on this approval.</summary>
    AlreadyDecided,

    /// <summary>AWS kept throttling or failing; nothing was recorded, trying again later may work.</summary>
    AwsUnavailable,

    /// <summary>AWS refused the call for another reason; nothing was recorded.</summary>
    AwsRefused,
}
