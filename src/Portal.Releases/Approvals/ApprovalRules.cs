using System.Security.Cryptography;
using System.Text;
using Portal.Data.Entities;

namespace Portal.Releases.Approvals;

/// <summary>
/// The two-person rule in one place: how many operators must approve, when the customer's approvers must approve too and
/// who they are, who may not approve, what a decision must carry, and when the approvals are complete. Two approvals are
/// always two different people (a decision per person per approval, a unique index); operators are never customer users.
/// </summary>
public static class ApprovalRules
{
    public const int MaxCommentLength = 2000;

    /// <summary>PutApprovalResult's summary holds at most 512 characters.</summary>
    public const int MaxAwsSummaryLength = 512;

    /// <summary>Production needs the host's number of approvals (1 or 2, two by default); dev and staging one.</summary>
    public static int RequiredApprovals(EnvironmentKind environment, int hostRequiredApprovals) =>
        environment == EnvironmentKind.Production ? Math.Clamp(hostRequiredApprovals, 1, 2) : 1;

    /// <summary>
    /// The approvals a release's current wait needs: the count recorded when it started waiting, else (a wait recorded
    /// before counts were kept) the rule for its environment now.
    /// </summary>
    public static int RequiredFor(int? recorded, EnvironmentKind environment, int hostRequiredApprovals) =>
        recorded is { } count ? Math.Max(1, count) : RequiredApprovals(environment, hostRequiredApprovals);

    /// <summary>
    /// Whether a wait starting now needs one approval from the customer's approvers besides the operators': production
    /// releases of a host whose approver e-mails name at least one customer approver in the portal
    /// (<paramref name="approversInPortal"/>, <see cref="CustomerApprovers"/>); approvers without an account get the mail
    /// but could never approve, so they do not strand the release. Recorded on the release when the wait starts.
    /// </summary>
    public static bool CustomerApprovalRequired(EnvironmentKind environment, IEnumerable<string> approversInPortal) =>
        environment == EnvironmentKind.Production && approversInPortal.Any(e => !string.IsNullOrWhiteSpace(e));

    /// <summary>
    /// Whether a portal user is a customer approver of a host: a user of the host's customer (admin or member) whose
    /// verified e-mail is one of the host's approver e-mails (trimmed, ignoring case).
    /// </summary>
    public static bool IsCustomerApprover(Guid hostCustomerId, IEnumerable<string> approverEmails, Guid? userCustomerId, string? userEmail,
        bool emailVerified) =>
        userCustomerId == hostCustomerId && emailVerified && !string.IsNullOrWhiteSpace(userEmail)
        && approverEmails.Any(e => string.Equals(e.Trim(), userEmail.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Where a wait's approvals stand, from the decisions taken on its approval token: operators' approvals against the
    /// count recorded, and the customer's step when one is recorded. Rejections count for nothing here: one is sent at once.
    /// </summary>
    public static ApprovalCount Count(IEnumerable<(ApprovalStep Step, ApprovalOutcome Outcome)> decisions, int requiredApprovals,
        bool customerApprovalRequired)
    {
        var approved = decisions.Where(d => d.Outcome == ApprovalOutcome.Approved).ToList();
        return new ApprovalCount(approved.Count(d => d.Step == ApprovalStep.Operators), requiredApprovals, customerApprovalRequired,
            approved.Any(d => d.Step == ApprovalStep.Customer));
    }

    /// <summary>
    /// Whether an operator pushed the release: GitLab's numeric user id of the push (user_id) is the one the operator
    /// proved through GitLab. Names and e-mails are never compared: anyone can type a name, and GitLab sends
    /// "[REDACTED]" for private e-mails.
    /// </summary>
    public static bool PushedBy(long? pusherGitLabId, long? approverGitLabId) =>
        pusherGitLabId is { } pusher && approverGitLabId is { } approver && pusher == approver;

    /// <summary>Why this operator (or customer approver) may not approve this release, or null when they may (they may always reject).</summary>
    public static string? ApprovalRefusal(EnvironmentKind environment, long? pusherGitLabId, string? pusherName, long? approverGitLabId,
        ApprovalStep step = ApprovalStep.Operators)
    {
        if (PushedBy(pusherGitLabId, approverGitLabId))
            return $"You pushed this commit (GitLab user {pusherName ?? "#" + pusherGitLabId}, the GitLab identity linked to your account), " +
                (step == ApprovalStep.Operators ? "so you cannot approve it: another operator must." : "so you cannot approve it: another of the host's approvers must.");
        if (environment != EnvironmentKind.Production) return null;
        if (approverGitLabId is null)
            return "Your account has no verified GitLab identity, so the portal cannot tell that you did not push this commit. " +
                "Link your GitLab account on your account page (GitLab confirms it from a personal access token), then approve.";
        if (pusherGitLabId is null)
            return "GitLab did not say who pushed this commit (the push had no user_id), so nobody can be shown not to be its pusher " +
                "and a production approval is refused. Reject it, or push it again so that GitLab names the pusher.";
        return null;
    }

    /// <summary>A decision needs a comment saying why; null when the comment will do.</summary>
    public static string? CheckComment(string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment)) return "Say why: a comment is required with every approval or rejection.";
        if (comment.Trim().Length > MaxCommentLength) return $"Keep the comment under {MaxCommentLength} characters.";
        return null;
    }

    /// <summary>Decisions name the approval they were made on by the token's hash, never by the token.</summary>
    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>Who takes an approval: the portal's operators, or the customer's approvers (production hosts with approver e-mails).</summary>
public enum ApprovalStep { Operators, Customer }

/// <summary>Where the approvals of one wait stand (<see cref="ApprovalRules.Count"/>).</summary>
public sealed record ApprovalCount(int OperatorApprovals, int RequiredApprovals, bool CustomerApprovalRequired, bool CustomerApproved)
{
    public bool OperatorsDone => OperatorApprovals >= RequiredApprovals;

    /// <summary>The customer's step is needed and nobody of the customer has approved yet.</summary>
    public bool WaitsForCustomer => CustomerApprovalRequired && !CustomerApproved;

    /// <summary>Every approval the wait needs is in: the approval is sent to AWS.</summary>
    public bool Complete => OperatorsDone && !WaitsForCustomer;

    /// <summary>The count with one more approval of <paramref name="step"/>.</summary>
    public ApprovalCount With(ApprovalStep step) => step == ApprovalStep.Customer
        ? this with { CustomerApproved = true }
        : this with { OperatorApprovals = OperatorApprovals + 1 };
}
