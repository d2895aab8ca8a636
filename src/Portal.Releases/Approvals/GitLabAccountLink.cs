using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.GitLab;

namespace Portal.Releases.Approvals;

/// <summary>
/// Links a portal account to the GitLab user it proves to be: the user gives a personal access token once (read_user is
/// enough), the portal asks GitLab who it belongs to (GET /user) and records GitLab's numeric user id, the id push events
/// name their pusher by (user_id). The token is used for that one call and never kept. Nothing typed is believed: a
/// customer claiming an operator's GitLab name gets their own GitLab id, or nothing. A link is made once (changing it
/// would let an operator approve their own push under another identity), and one GitLab user links one portal account.
/// </summary>
public sealed class GitLabAccountLink(IDbContextFactory<PortalDbContext> contexts, GitLabClient gitLab, TimeProvider time)
{
    public const int MaxTokenLength = 255;
    public const string TokenField = "token";

    public async Task<LinkResult> LinkAsync(Actor actor, string? personalAccessToken, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } userId) throw new ArgumentException("Only a signed-in user links an account.", nameof(actor));
        var token = personalAccessToken?.Trim() ?? "";
        if (token.Length == 0) return new LinkResult(false, "Paste a GitLab personal access token of yours (the read_user scope is enough).");
        if (token.Length > MaxTokenLength || token.Any(char.IsWhiteSpace)) return new LinkResult(false, "That is not a GitLab token.");

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var linked = await db.GitLabIdentities.AsNoTracking().SingleOrDefaultAsync(i => i.UserId == userId, cancellationToken);
        GitLabUser user;
        try
        {
            user = await gitLab.CurrentUserAsync(token, cancellationToken);
        }
        catch (GitLabUnauthorizedException)
        {
            return new LinkResult(false, "GitLab did not accept this token (unknown, expired or revoked).");
        }
        catch (GitLabForbiddenException)
        {
            return new LinkResult(false, "GitLab refused to say who the token belongs to: give it the read_user (or read_api) scope.");
        }
        catch (GitLabException e) when (e.Retryable)
        {
            return new LinkResult(false, "GitLab could not be reached just now; nothing was linked. Try again in a moment.", Unavailable: true);
        }
        if (user.Bot || user.State != "active")
            return await RefuseAsync(db, actor, $"GitLab user {user.Username} is a bot or not active: link the account you push with.", cancellationToken);
        if (linked is not null)
            return linked.GitLabUserId == user.Id
                ? new LinkResult(true, $"Your account is linked to GitLab user {linked.Username} (id {linked.GitLabUserId}).")
                : await RefuseAsync(db, actor, $"Your account is already linked to GitLab user {linked.Username}; a link cannot be changed.", cancellationToken);
        if (await db.GitLabIdentities.AnyAsync(i => i.GitLabUserId == user.Id, cancellationToken))
            return await RefuseAsync(db, actor, $"GitLab user {user.Username} is linked to another portal account.", cancellationToken);

        db.GitLabIdentities.Add(new GitLabIdentity { UserId = userId, GitLabUserId = user.Id, Username = user.Username, VerifiedAt = time.GetUtcNow() });
        db.Record(actor, AuditActions.AccountGitLabLinked, $"Linked to GitLab user {user.Username} (id {user.Id}), verified through GitLab.");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new LinkResult(false, $"GitLab user {user.Username} was linked to a portal account meanwhile.");
        }
        return new LinkResult(true, $"Your account is linked to GitLab user {user.Username} (id {user.Id}).");
    }

    /// <summary>The GitLab identity linked to a user, if any.</summary>
    public async Task<GitLabIdentityView?> OfAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.GitLabIdentities.Where(i => i.UserId == userId)
            .Select(i => new GitLabIdentityView(i.GitLabUserId, i.Username, i.VerifiedAt)).SingleOrDefaultAsync(cancellationToken);
    }

    private static async Task<LinkResult> RefuseAsync(PortalDbContext db, Actor actor, string message, CancellationToken cancellationToken)
    {
        db.Record(actor, AuditActions.AccountGitLabLinkRefused, message);
        await db.SaveChangesAsync(cancellationToken);
        return new LinkResult(false, message);
    }
}

public sealed record LinkResult(bool Linked, string Message, bool Unavailable = false);

public sealed record GitLabIdentityView(long GitLabUserId, string Username, DateTimeOffset VerifiedAt);
