using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Web.Auth.Mfa;

namespace Portal.Web.Auth;

/// <summary>
/// Signs in with e-mail and password. Known and unknown e-mails get the same answer after the same work (a password
/// hash is always verified, a throttle row always written); failures lengthen the wait before the e-mail's next attempt
/// instead of locking the account, so nobody can shut another person out.
/// </summary>
public sealed class PasswordSignIn(
    UserManager<PortalUser> users,
    SignInManager<PortalUser> signIn,
    SessionStore sessions,
    IDbContextFactory<PortalDbContext> contexts,
    SignInPacing pacing,
    Authenticators authenticators,
    TimeProvider clock)
{
    public const string WrongCredentials = "The e-mail or password is wrong.";

    // Verified when the e-mail is unknown, so that answer costs what a real check costs.
    private static readonly Lazy<string> UnknownUserHash = new(() => new PasswordHasher<PortalUser>().HashPassword(new PortalUser(), Guid.NewGuid().ToString()));

    public async Task<SignInAnswer> SignInAsync(string email, string password, string? sourceAddress, CancellationToken cancellationToken = default)
    {
        var key = users.NormalizeEmail(email.Trim()) ?? "";
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var throttle = await db.SignInThrottles.SingleOrDefaultAsync(t => t.EmailKey == key, cancellationToken);
        if (throttle is not null && pacing.WaitLeft(throttle, now) is { } wait)
            return new SignInAnswer.Refused(SignInPacing.TooMany(wait, "sign-ins for this e-mail"));

        var user = await users.FindByEmailAsync(email.Trim());
        var passwordMatches = PasswordMatches(user, password);

        var actor = new Actor(user?.Id, Clip(email.Trim()), sourceAddress);
        if (user is null || !passwordMatches)
        {
            throttle ??= db.SignInThrottles.Add(new SignInThrottle { EmailKey = Clip(key) }).Entity;
            throttle.Failures++;
            throttle.LastFailureAt = now;
            db.Record(actor, AuditActions.UserSignInFailed);
            await db.SaveChangesAsync(cancellationToken);
            return new SignInAnswer.Refused(WrongCredentials);
        }

        if (throttle is not null) db.SignInThrottles.Remove(throttle);
        if (await RefusalOfAsync(db, user, cancellationToken) is { } refusal)
        {
            db.Record(actor, AuditActions.UserSignInFailed, refusal);
            await db.SaveChangesAsync(cancellationToken);
            return new SignInAnswer.Refused(refusal);
        }
        if (await authenticators.IsEnabledAsync(user.Id, cancellationToken))
        {
            // The password is right; the session starts only with the authenticator's code (AuthenticatorSignIn).
            await db.SaveChangesAsync(cancellationToken);
            await AuthenticatorSignIn.RememberPasswordPassedAsync(signIn.Context, user.Id);
            return new SignInAnswer.CodeNeeded();
        }
        db.Record(actor, AuditActions.UserSignedIn);
        await db.SaveChangesAsync(cancellationToken);
        await IssueCookieAsync(user, sourceAddress, cancellationToken);
        return new SignInAnswer.SignedIn(user, await authenticators.MustEnrolAsync(user, cancellationToken));
    }

    /// <summary>The second step: the code of the authenticator (or a recovery code) of the user whose password was right.</summary>
    public async Task<SignInAnswer> SignInWithCodeAsync(string? code, string? sourceAddress, CancellationToken cancellationToken = default)
    {
        var user = await AuthenticatorSignIn.PasswordPassedAsync(signIn.Context) is { } userId ? await users.FindByIdAsync(userId.ToString()) : null;
        if (user is null) return new SignInAnswer.Refused(CodeStepExpired);
        var actor = new Actor(user.Id, user.Email ?? user.Id.ToString(), sourceAddress);
        var check = await authenticators.CheckAsync(actor, code, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (check is CodeCheck.Refused refused)
        {
            db.Record(actor, AuditActions.UserSignInFailed, "authenticator code refused");
            await db.SaveChangesAsync(cancellationToken);
            return new SignInAnswer.Refused(refused.Message);
        }
        if (await RefusalOfAsync(db, user, cancellationToken) is { } refusal) return new SignInAnswer.Refused(refusal);
        db.Record(actor, AuditActions.UserSignedIn, check is CodeCheck.RecoveryCodeUsed ? "with a recovery code" : "with an authenticator code");
        await db.SaveChangesAsync(cancellationToken);
        await AuthenticatorSignIn.ForgetAsync(signIn.Context);
        await IssueCookieAsync(user, sourceAddress, cancellationToken);
        return new SignInAnswer.SignedIn(user, MustEnrolMfa: false);
    }

    /// <summary>The first step passed another way (single sign-on): the code page comes next.</summary>
    public Task AskForCodeAsync(Guid userId) => AuthenticatorSignIn.RememberPasswordPassedAsync(signIn.Context, userId);

    public const string CodeStepExpired = "The sign-in took too long. Enter your e-mail and password again.";

    /// <summary>
    /// After a change that ended every session of the user (a new security stamp): a fresh session for this browser, from
    /// the user as stored now (not a copy this request's UserManager may hold with the old stamp).
    /// </summary>
    public async Task IssueFreshCookieAsync(Guid userId, string? sourceAddress, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken) is { } user)
            await IssueCookieAsync(user, sourceAddress, cancellationToken);
    }

    /// <summary>Starts a server-side session and writes the cookie that names it.</summary>
    public async Task IssueCookieAsync(PortalUser user, string? sourceAddress, CancellationToken cancellationToken = default)
    {
        var sessionId = await sessions.StartAsync(user.Id, sourceAddress, cancellationToken);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim(PortalClaims.SessionId, sessionId.ToString())]);
    }

    /// <summary>Why a user who knows their password may still not sign in, or null.</summary>
    public static async Task<string?> RefusalOfAsync(PortalDbContext db, PortalUser user, CancellationToken cancellationToken)
    {
        if (user.IsDisabled) return "This account is disabled. Ask your customer admin or an operator.";
        if (user.CustomerId is { } customerId
            && await db.Customers.AnyAsync(c => c.Id == customerId && c.SuspendedAt != null, cancellationToken))
            return "Your organisation's access is suspended. Ask an operator.";
        return null;
    }

    private bool PasswordMatches(PortalUser? user, string password)
    {
        if (user?.PasswordHash is { } hash)
            return users.PasswordHasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed;
        users.PasswordHasher.VerifyHashedPassword(new PortalUser(), UnknownUserHash.Value, password);
        return false;
    }

    private static string Clip(string text) => text.Length <= ColumnLengths.Email ? text : text[..ColumnLengths.Email];
}

public abstract record SignInAnswer
{
    /// <summary>Signed in; <paramref name="MustEnrolMfa"/>: an operator without an authenticator, who may only enrol one.</summary>
    public sealed record SignedIn(PortalUser User, bool MustEnrolMfa) : SignInAnswer;

    /// <summary>The password is right and the account has an authenticator: its code comes next.</summary>
    public sealed record CodeNeeded : SignInAnswer;
    public sealed record Refused(string Message) : SignInAnswer;
}
