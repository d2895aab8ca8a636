using System.Security.Cryptography;
using System.Text;
using Portal.Data.Entities;

namespace Portal.Provisioning.Approvals;

/// <summary>
/// The two-person rule in one place: how many operators must approve, who may not approve, what a decision must carry.
/// </summary>
public static class ApprovalRules
{
    public const int MaxCommentLength = 2000;

    /// <summary>PutApprovalResult's summary holds at most 512 characters.</summary>
    public const int MaxAwsSummaryLength = 512;

    /// <summary>Production needs the host's number of approvals (1 or 2, two by default); dev and staging one.</summary>
    public static int RequiredApprovals(EnvironmentKind environment, int hostRequiredApprovals) =>
        environment == EnvironmentKind.Production ? Math.Clamp(hostRequiredApprovals, 1, 2) : 1;

    /// <summary>Whether an operator pushed the release's commit: their linked GitLab username or their e-mail is the pusher's.</summary>
    public static bool PushedBy(string? authorUsername, string? authorEmail, string? gitLabUsername, string? email) =>
        Same(authorUsername, gitLabUsername) || Same(authorEmail, email);

    /// <summary>A decision needs a comment saying why; null when the comment will do.</summary>
    public static string? CheckComment(string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment)) return "Say why: a comment is required with every approval or rejection.";
        if (comment.Trim().Length > MaxCommentLength) return $"Keep the comment under {MaxCommentLength} characters.";
        return null;
    }

    /// <summary>Decisions name the approval they were made on by the token's hash, never by the token.</summary>
    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static bool Same(string? a, string? b) =>
        !string.IsNullOrWhiteSpace(a) && !string.IsNullOrWhiteSpace(b) && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}
