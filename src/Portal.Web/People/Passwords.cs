using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Mail;
using Portal.Data.Security;
using Portal.Web.Auth;
using Portal.Web.Mail;

namespace Portal.Web.People;

/// <summary>
/// Password change (signed in, with the current password) and reset by e-mail (a single-use, expiring link whose hash
/// alone is stored). Both end every session of the account; a reset leaves two-step sign-in as it was, so an
/// authenticator is still asked for. Asking for a reset answers the same for any address.
/// </summary>
public sealed class Passwords(
    UserManager<PortalUser> users,
    IDbContextFactory<PortalDbContext> contexts,
    MailLinkProtector secretLinks,
    SignInPacing pacing,
    AccountOptions options,
    TimeProvider clock)
{
    public const string ResetPath = "account/password/reset";
    public const string TokenPrefix = "pwr_";
    public const string ResetRequested =
        "If an account has this address, an e-mail with a link to choose a new password is on its way. The link works once, for a short while.";

    public async Task<ActionResult> ChangeAsync(Actor actor, string? current, string? replacement, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(actor.UserId.ToString()!);
        if (user is null) return ActionResult.NotFound("There is no such account.");
        var key = $"PWD:{user.Id:N}";
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await pacing.WaitLeftAsync(db, key, now, cancellationToken) is { } wait)
            return ActionResult.Invalid("current", SignInPacing.TooMany(wait, "attempts"));
        if (string.IsNullOrEmpty(current) || user.PasswordHash is null || !await users.CheckPasswordAsync(user, current))
        {
            await SignInPacing.FailedAsync(db, key, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return ActionResult.Invalid("current", "That is not your current password.");
        }
        if (await ProblemAsync(user, replacement) is { } problem) return ActionResult.Invalid("replacement", problem);
        var changed = await users.ChangePasswordAsync(user, current, replacement!);
        if (!changed.Succeeded) return ActionResult.Invalid("replacement", string.Join(" ", changed.Errors.Select(e => e.Description)));
        await SignInPacing.SucceededAsync(db, key, cancellationToken);
        await SessionStore.EndAllAsync(db, user.Id, now, "password changed", cancellationToken);
        db.Record(actor, AuditActions.PasswordChanged, "other sessions ended");
        await db.SaveChangesAsync(cancellationToken);
        return ActionResult.Done("Your password is changed. Your other sessions were signed out.");
    }

    /// <summary>Queues a reset link for the address's account, if there is one that may sign in; the answer never says which.</summary>
    public async Task RequestResetAsync(string? email, string? sourceAddress, CancellationToken cancellationToken = default)
    {
        email = email?.Trim() ?? "";
        var user = email.Length is > 0 and <= ColumnLengths.Email ? await users.FindByEmailAsync(email) : null;
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Both answers write one audit row in one transaction, so they cost the same.
        if (user is null || await PasswordSignIn.RefusalOfAsync(db, user, cancellationToken) is not null)
        {
            db.Record(new Actor(null, Clip(email), sourceAddress), AuditActions.PasswordResetRequested, "no account that may sign in");
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        // One open link per account: a new request replaces the older ones.
        await db.PasswordResets.Where(r => r.UserId == user.Id && r.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.UsedAt, now), cancellationToken);
        var token = SecretToken.Generate(TokenPrefix);
        var reset = new PasswordReset { UserId = user.Id, TokenHash = SecretToken.Hash(token), CreatedAt = now, ExpiresAt = now + options.PasswordResetLifetime };
        db.PasswordResets.Add(reset);
        await MailOutbox.QueueAsync(db, $"password-reset:{reset.Id:N}", [user.Email!], "Reset your Portal password",
            $"""
             Someone (hopefully you) asked to reset the password of your Portal account {user.Email}.

             If it was not you, ignore this e-mail: your password stays as it is. Otherwise open the link below to choose a new
             one; it works once, until {reset.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Every session of the account is signed out, and
             two-step sign-in, if you use it, is still asked for.
             """,
            secretLinks.Protect($"{ResetPath}?token={Uri.EscapeDataString(token)}"), now, cancellationToken);
        db.Record(new Actor(user.Id, user.Email!, sourceAddress), AuditActions.PasswordResetRequested, customerId: user.CustomerId);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> IsOpenAsync(string? token, CancellationToken cancellationToken = default) =>
        await FindOpenAsync(token, cancellationToken) is not null;

    /// <summary>Uses the link once: sets the new password, ends every session, clears the sign-in delays of the address.</summary>
    public async Task<ActionResult> ResetAsync(string? token, string? replacement, string? sourceAddress, CancellationToken cancellationToken = default)
    {
        if (await FindOpenAsync(token, cancellationToken) is not { } reset) return ActionResult.NotFound(Unusable);
        var user = await users.FindByIdAsync(reset.UserId.ToString());
        if (user is null) return ActionResult.NotFound(Unusable);
        if (await ProblemAsync(user, replacement) is { } problem) return ActionResult.Invalid("replacement", problem);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var claimed = await db.PasswordResets.Where(r => r.Id == reset.Id && r.UsedAt == null && r.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.UsedAt, now), cancellationToken);
        if (claimed == 0) return ActionResult.NotFound(Unusable);

        user.PasswordHash = users.PasswordHasher.HashPassword(user, replacement!);
        var updated = await users.UpdateSecurityStampAsync(user);
        if (!updated.Succeeded) return ActionResult.Conflict(string.Join(" ", updated.Errors.Select(e => e.Description)));
        await SessionStore.EndAllAsync(db, user.Id, now, "password reset", cancellationToken);
        await SignInPacing.SucceededAsync(db, user.NormalizedEmail ?? "", cancellationToken);
        db.Record(new Actor(user.Id, user.Email!, sourceAddress), AuditActions.PasswordReset, "every session ended", user.CustomerId);
        await db.SaveChangesAsync(cancellationToken);
        return ActionResult.Done("Your password is set. Sign in with it.");
    }

    public const string Unusable = "This link is used, expired or replaced by a newer one. Ask for a new one.";

    private async Task<PasswordReset?> FindOpenAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is null || !token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        var hash = SecretToken.Hash(token);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var reset = await db.PasswordResets.AsNoTracking().SingleOrDefaultAsync(r => r.TokenHash == hash, cancellationToken);
        return reset?.IsOpenAt(clock.GetUtcNow()) == true ? reset : null;
    }

    private async Task<string?> ProblemAsync(PortalUser user, string? password)
    {
        if (string.IsNullOrEmpty(password)) return "Choose a new password.";
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            if (!result.Succeeded) return string.Join(" ", result.Errors.Select(e => e.Description));
        }
        return null;
    }

    private static string Clip(string text) => text.Length <= ColumnLengths.Email ? text : text[..ColumnLengths.Email];
}
