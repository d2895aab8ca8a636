using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Provisioning.Approvals;

/// <summary>
/// Links a portal account to its GitLab username, so the two-person rule recognises the operator's own pushes.
/// A link is made once: changing it later would let an operator approve their own push under another name, so a
/// linked account stays linked (another operator can look at the audit log to see when it was made).
/// </summary>
public sealed partial class GitLabAccountLink(PortalDbContext db)
{
    public const int MaxLength = 255;

    public async Task<LinkResult> LinkAsync(Actor actor, string? username, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } userId) throw new ArgumentException("Only a signed-in user links an account.", nameof(actor));
        var name = username?.Trim() ?? "";
        if (Check(name) is { } error) return new LinkResult(false, error);
        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        if (user.GitLabUsername is { Length: > 0 } linked)
            return string.Equals(linked, name, StringComparison.OrdinalIgnoreCase)
                ? new LinkResult(true, $"Your account is linked to GitLab user {linked}.")
                : new LinkResult(false, $"Your account is already linked to GitLab user {linked}; a link cannot be changed here.");
        var lower = name.ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.Id != userId && u.GitLabUsername != null && u.GitLabUsername.ToLower() == lower, cancellationToken))
            return new LinkResult(false, $"GitLab user {name} is linked to another portal account.");
        user.GitLabUsername = name;
        db.Record(actor, "account.gitlab-linked", $"Linked to GitLab user {name}.");
        await db.SaveChangesAsync(cancellationToken);
        return new LinkResult(true, $"Your account is linked to GitLab user {name}.");
    }

    /// <summary>GitLab's rule: letters, digits, '_', '-' and '.', starting and ending with a letter or digit (or '_').</summary>
    public static string? Check(string username)
    {
        if (username.Length == 0) return "Enter your GitLab username.";
        if (username.Length > MaxLength) return $"A GitLab username has at most {MaxLength} characters.";
        return Pattern().IsMatch(username) ? null : "Use your GitLab username: letters, digits, '_', '-' and '.', not starting or ending with '-' or '.'.";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$")]
    private static partial Regex Pattern();
}

public sealed record LinkResult(bool Linked, string Message);
