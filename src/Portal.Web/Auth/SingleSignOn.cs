using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Web.Auth.Mfa;
using Portal.Web.People;

namespace Portal.Web.Auth;

/// <summary>
/// Turns an identity the OpenID provider vouched for into a portal sign-in. It is linked to an account by verified e-mail
/// (email_verified must be true): an account that has the address, or an open invitation to it. It never creates an
/// account otherwise. The session is the portal's own (a <see cref="UserSession"/>), and an authenticator, when the account
/// has one, is still asked for.
/// </summary>
public sealed class SingleSignOn(
    UserManager<PortalUser> users,
    Invitations invitations,
    Authenticators authenticators,
    PasswordSignIn passwordSignIn,
    IDbContextFactory<PortalDbContext> contexts,
    SingleSignOnOptions options)
{
    public const string LoginProvider = SingleSignOnOptions.Scheme;

    public async Task<SsoAnswer> SignInAsync(ClaimsPrincipal external, string? invitationToken, string? sourceAddress,
        CancellationToken cancellationToken = default)
    {
        var subject = external.FindFirstValue("sub");
        var email = external.FindFirstValue("email")?.Trim();
        var verified = string.Equals(external.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(email) || email.Length > ColumnLengths.Email) return new SsoAnswer.Refused("failed");
        if (!verified) return new SsoAnswer.Refused("unverified");

        var user = await users.FindByLoginAsync(LoginProvider, subject);
        var linked = false;
        if (user is null)
        {
            user = await users.FindByEmailAsync(email);
            if (user is null && await invitations.FindOpenAsync(invitationToken, cancellationToken) is { } invitation
                && string.Equals(invitation.Email, email, StringComparison.OrdinalIgnoreCase))
            {
                var name = external.FindFirstValue("name") ?? email;
                if (await invitations.AcceptAsync(invitationToken, name, password: null, users, cancellationToken) is AcceptOutcome.Accepted accepted)
                    user = accepted.User;
            }
            if (user is null) return new SsoAnswer.Refused("no-account");
            var added = await users.AddLoginAsync(user, new UserLoginInfo(LoginProvider, subject, options.DisplayName));
            if (!added.Succeeded) return new SsoAnswer.Refused("refused");
            linked = true;
        }

        var actor = new Actor(user.Id, user.Email ?? email, sourceAddress);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await PasswordSignIn.RefusalOfAsync(db, user, cancellationToken) is { } refusal)
        {
            db.Record(actor, AuditActions.UserSignInFailed, $"single sign-on: {refusal}");
            await db.SaveChangesAsync(cancellationToken);
            return new SsoAnswer.Refused("refused");
        }
        if (await authenticators.IsEnabledAsync(user.Id, cancellationToken))
        {
            if (linked) db.Record(actor, AuditActions.AccountSsoLinked, options.DisplayName, user.CustomerId);
            await db.SaveChangesAsync(cancellationToken);
            await passwordSignIn.AskForCodeAsync(user.Id);
            return new SsoAnswer.CodeNeeded();
        }
        if (linked) db.Record(actor, AuditActions.AccountSsoLinked, options.DisplayName, user.CustomerId);
        db.Record(actor, AuditActions.UserSignedIn, $"with single sign-on ({options.DisplayName})");
        await db.SaveChangesAsync(cancellationToken);
        await passwordSignIn.IssueCookieAsync(user, sourceAddress, cancellationToken);
        return new SsoAnswer.SignedIn(await authenticators.MustEnrolAsync(user, cancellationToken));
    }
}

public abstract record SsoAnswer
{
    public sealed record SignedIn(bool MustEnrolMfa) : SsoAnswer;
    public sealed record CodeNeeded : SsoAnswer;

    /// <summary><paramref name="Reason"/> is a code the sign-in page words (never text from the request).</summary>
    public sealed record Refused(string Reason) : SsoAnswer;
}
