using System.Security.Cryptography;
using System.Text;
using Portal.Data.Entities;

namespace Portal.Releases.Approvals;

/// <summary>
/// The two-person rule in one place: how many operators must approve, who may not approve, what a decision must carry.
/// Two approvals are always two different operators (a decision per operator per approval, a unique index).
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
    /// Whether an operator pushed the release: GitLab's numeric user id of the push (user_id) is the one the operator
    /// proved through GitLab. Names and e-mails are never compared: anyone can type a name, and GitLab sends
    /// "[REDACTED]" for private e-mails.
    /// </summary>
    public static bool PushedBy(long? pusherGitLabId, long? approverGitLabId) =>
        pusherGitLabId is { } pusher && approverGitLabId is { } approver && pusher == approver;

    /// <summary>Why this operator may not approve this release, or null when they may (they may always reject).</summary>
    public static string? ApprovalRefusal(EnvironmentKind environment, long? pusherGitLabId, string? pusherName, long? approverGitLabId)
    {
        if (PushedBy(pusherGitLabId, approverGitLabId))
            return $"You pushed this commit (GitLab user {pusherName ?? "#" + pusherGitLabId}, the GitLab identity linked to your account), " +
                "so you cannot approve it: another operator must.";
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
