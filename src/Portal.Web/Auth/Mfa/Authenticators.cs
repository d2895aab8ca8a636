using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Security;
using Portal.Web.People;

namespace Portal.Web.Auth.Mfa;

/// <summary>
/// Authenticator apps (TOTP) and recovery codes: enrolment, the code check at sign-in, renewal and removal. Every code
/// check is paced like a password (<see cref="SignInPacing"/>, per account) and audited; an accepted TOTP step and a used
/// recovery code are taken with conditional updates, so neither works twice, even for two requests at once.
/// </summary>
public sealed class Authenticators(
    IDbContextFactory<PortalDbContext> contexts,
    IDataProtectionProvider protection,
    Totp totp,
    SignInPacing pacing,
    AccountOptions options,
    TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;
    public const string Issuer = "Portal";

    private readonly IDataProtector secrets = protection.CreateProtector("Portal.Mfa.AuthenticatorSecret");

    public async Task<bool> IsEnabledAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.UserAuthenticators.AnyAsync(a => a.UserId == userId && a.ConfirmedAt != null, cancellationToken);
    }

    /// <summary>Whether the user is an operator who must enrol an authenticator before doing anything else.</summary>
    public async Task<bool> MustEnrolAsync(PortalUser user, CancellationToken cancellationToken = default)
    {
        if (!options.MfaRequiredForOperators) return false;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await MustEnrolAsync(db, user.Id, cancellationToken);
    }

    public static async Task<bool> IsOperatorWithoutAuthenticatorAsync(PortalDbContext db, Guid userId, CancellationToken cancellationToken) =>
        await (from link in db.UserRoles
               join role in db.Roles on link.RoleId equals role.Id
               where link.UserId == userId && role.Name == PortalRoles.Operator
               select link).AnyAsync(cancellationToken)
        && !await db.UserAuthenticators.AnyAsync(a => a.UserId == userId && a.ConfirmedAt != null, cancellationToken);

    private Task<bool> MustEnrolAsync(PortalDbContext db, Guid userId, CancellationToken cancellationToken) =>
        options.MfaRequiredForOperators ? IsOperatorWithoutAuthenticatorAsync(db, userId, cancellationToken) : Task.FromResult(false);

    public async Task<MfaStatus> StatusAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var enabled = await db.UserAuthenticators.AnyAsync(a => a.UserId == userId && a.ConfirmedAt != null, cancellationToken);
        var left = await db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null, cancellationToken);
        return new MfaStatus(enabled, enabled ? left : 0, await MustEnrolAsync(db, userId, cancellationToken));
    }

    /// <summary>The shared secret to enter in the app: the one being enrolled, or a new one. Null when one is enrolled already.</summary>
    public async Task<EnrolmentKey?> EnrolmentKeyAsync(Guid userId, string accountName, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var authenticator = await db.UserAuthenticators.SingleOrDefaultAsync(a => a.UserId == userId, cancellationToken);
        if (authenticator?.IsConfirmed == true) return null;
        if (authenticator is null)
        {
            authenticator = new UserAuthenticator
            {
                UserId = userId,
                ProtectedSecret = secrets.Protect(Base32.Encode(Totp.NewSecret())),
                CreatedAt = clock.GetUtcNow(),
            };
            db.UserAuthenticators.Add(authenticator);
            await db.SaveChangesAsync(cancellationToken);
        }
        return EnrolmentKey.For(secrets.Unprotect(authenticator.ProtectedSecret), accountName);
    }

    /// <summary>Confirms the enrolment with a code of the app: the authenticator is on, ten recovery codes are made, other sessions end.</summary>
    public async Task<EnrolOutcome> ConfirmAsync(Actor actor, string? code, CancellationToken cancellationToken = default)
    {
        var userId = actor.UserId ?? throw new ArgumentException("Only a signed-in user enrols an authenticator.", nameof(actor));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var key = ThrottleKey(userId);
        if (await pacing.WaitLeftAsync(db, key, now, cancellationToken) is { } wait)
            return new EnrolOutcome.Refused(SignInPacing.TooMany(wait, "codes"));
        var authenticator = await db.UserAuthenticators.SingleOrDefaultAsync(a => a.UserId == userId, cancellationToken);
        if (authenticator is null) return new EnrolOutcome.Refused("Start the set-up again: there is no key waiting for a code.");
        if (authenticator.IsConfirmed) return new EnrolOutcome.Refused("An authenticator is set up already.");
        if (totp.StepOf(Base32.Decode(secrets.Unprotect(authenticator.ProtectedSecret)), code) is not { } step)
        {
            await SignInPacing.FailedAsync(db, key, now, cancellationToken);
            db.Record(actor, AuditActions.MfaCodeRefused, "enrolment");
            await db.SaveChangesAsync(cancellationToken);
            return new EnrolOutcome.Refused("That code is not right. Check the app shows Portal with your e-mail, and enter its current code.");
        }
        authenticator.ConfirmedAt = now;
        authenticator.LastAcceptedStep = step;
        var codes = await RenewCodesAsync(db, userId, now, cancellationToken);
        await EndSessionsAsync(db, userId, now, "authenticator set up", cancellationToken);
        await SignInPacing.SucceededAsync(db, key, cancellationToken);
        db.Record(actor, AuditActions.MfaEnabled);
        await db.SaveChangesAsync(cancellationToken);
        return new EnrolOutcome.Enrolled(codes);
    }

    /// <summary>Checks an authenticator code or a recovery code of the user (paced, audited, single use).</summary>
    public async Task<CodeCheck> CheckAsync(Actor actor, string? code, CancellationToken cancellationToken = default)
    {
        var userId = actor.UserId ?? throw new ArgumentException("A code belongs to a user.", nameof(actor));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var key = ThrottleKey(userId);
        if (await pacing.WaitLeftAsync(db, key, now, cancellationToken) is { } wait)
            return new CodeCheck.Refused(SignInPacing.TooMany(wait, "codes"));
        var authenticator = await db.UserAuthenticators.AsNoTracking().SingleOrDefaultAsync(a => a.UserId == userId && a.ConfirmedAt != null, cancellationToken);
        if (authenticator is not null && await AcceptCodeAsync(db, authenticator, code, cancellationToken) is { } accepted)
        {
            await SignInPacing.SucceededAsync(db, key, cancellationToken);
            if (accepted is CodeCheck.RecoveryCodeUsed used)
                db.Record(actor, AuditActions.MfaRecoveryCodeUsed, $"{used.Left} recovery codes left");
            await db.SaveChangesAsync(cancellationToken);
            return accepted;
        }
        await SignInPacing.FailedAsync(db, key, now, cancellationToken);
        db.Record(actor, AuditActions.MfaCodeRefused);
        await db.SaveChangesAsync(cancellationToken);
        return new CodeCheck.Refused("That code is not right, or was used already.");
    }

    /// <summary>The current password or a code proves it is the user (for turning MFA off or renewing codes).</summary>
    public async Task<CodeCheck> ProveAsync(Actor actor, UserManager<PortalUser> users, string? passwordOrCode,
        CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(actor.UserId.ToString()!);
        if (user is null || string.IsNullOrEmpty(passwordOrCode)) return new CodeCheck.Refused("Enter your password or a code.");
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await pacing.WaitLeftAsync(db, ThrottleKey(user.Id), clock.GetUtcNow(), cancellationToken) is { } wait)
                return new CodeCheck.Refused(SignInPacing.TooMany(wait, "attempts"));
        }
        if (user.PasswordHash is not null && await users.CheckPasswordAsync(user, passwordOrCode)) return new CodeCheck.PasswordMatched();
        var check = await CheckAsync(actor, passwordOrCode, cancellationToken);
        return check is CodeCheck.Refused ? new CodeCheck.Refused("That is neither your password nor a valid code.") : check;
    }

    /// <summary>Replaces the recovery codes (the old ones stop working).</summary>
    public async Task<IReadOnlyList<string>?> RenewRecoveryCodesAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        var userId = actor.UserId!.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.UserAuthenticators.AnyAsync(a => a.UserId == userId && a.ConfirmedAt != null, cancellationToken)) return null;
        var codes = await RenewCodesAsync(db, userId, clock.GetUtcNow(), cancellationToken);
        db.Record(actor, AuditActions.MfaRecoveryCodesRenewed);
        await db.SaveChangesAsync(cancellationToken);
        return codes;
    }

    /// <summary>Removes the authenticator and the recovery codes; other sessions end. An operator must then enrol again.</summary>
    public async Task<bool> DisableAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        var userId = actor.UserId!.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var authenticator = await db.UserAuthenticators.SingleOrDefaultAsync(a => a.UserId == userId, cancellationToken);
        if (authenticator?.IsConfirmed != true) return false;
        db.UserAuthenticators.Remove(authenticator);
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await EndSessionsAsync(db, userId, now, "authenticator removed", cancellationToken);
        db.Record(actor, AuditActions.MfaDisabled);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The accepted code (an authenticator step newer than any accepted before, or an unused recovery code), or null.</summary>
    private async Task<CodeCheck?> AcceptCodeAsync(PortalDbContext db, UserAuthenticator authenticator, string? code, CancellationToken cancellationToken)
    {
        var userId = authenticator.UserId;
        if (totp.StepOf(Base32.Decode(secrets.Unprotect(authenticator.ProtectedSecret)), code) is { } step)
        {
            var taken = await db.UserAuthenticators.Where(a => a.UserId == userId && a.LastAcceptedStep < step)
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.LastAcceptedStep, step), cancellationToken);
            return taken == 1 ? new CodeCheck.AuthenticatorCode() : null;
        }
        if (RecoveryCodeHash(code) is not { } hash) return null;
        var used = await db.RecoveryCodes.Where(c => c.UserId == userId && c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.UsedAt, clock.GetUtcNow()), cancellationToken);
        if (used != 1) return null;
        return new CodeCheck.RecoveryCodeUsed(await db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null, cancellationToken));
    }

    private static async Task<IReadOnlyList<string>> RenewCodesAsync(PortalDbContext db, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        foreach (var code in codes)
            db.RecoveryCodes.Add(new RecoveryCode { UserId = userId, CodeHash = RecoveryCodeHash(code)!, CreatedAt = now });
        return codes;
    }

    /// <summary>A new security stamp ends every session of the user (this one is started again by the page).</summary>
    private static async Task EndSessionsAsync(PortalDbContext db, Guid userId, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        user.SecurityStamp = Base32.Encode(RandomNumberGenerator.GetBytes(20));
        await SessionStore.EndAllAsync(db, userId, now, reason, cancellationToken);
    }

    /// <summary>Ten characters of base32 (50 bits), shown as two groups of five.</summary>
    private static string NewRecoveryCode()
    {
        var text = Base32.Encode(RandomNumberGenerator.GetBytes(7))[..10];
        return $"{text[..5]}-{text[5..]}";
    }

    private static string? RecoveryCodeHash(string? code)
    {
        var normalized = Totp.Normalize(code)?.ToUpperInvariant();
        return normalized is { Length: 10 } ? SecretToken.Hash("recovery:" + normalized) : null;
    }

    private static string ThrottleKey(Guid userId) => $"MFA:{userId:N}";
}

public sealed record MfaStatus(bool Enabled, int RecoveryCodesLeft, bool MustEnrol);

/// <summary>The shared secret as an authenticator app takes it: the otpauth:// key URI (Google Authenticator's Key Uri Format) and the key.</summary>
public sealed record EnrolmentKey(string Key, string Uri)
{
    public static EnrolmentKey For(string base32Secret, string accountName)
    {
        var label = System.Uri.EscapeDataString($"{Authenticators.Issuer}:{accountName}");
        var uri = $"otpauth://totp/{label}?secret={base32Secret}&issuer={Authenticators.Issuer}&algorithm=SHA1&digits={Totp.Digits}&period={Totp.StepSeconds}";
        var grouped = string.Join(' ', base32Secret.Chunk(4).Select(c => new string(c)));
        return new EnrolmentKey(grouped, uri);
    }
}

public abstract record EnrolOutcome
{
    public sealed record Enrolled(IReadOnlyList<string> RecoveryCodes) : EnrolOutcome;
    public sealed record Refused(string Message) : EnrolOutcome;
}

public abstract record CodeCheck
{
    public sealed record AuthenticatorCode : CodeCheck;
    public sealed record RecoveryCodeUsed(int Left) : CodeCheck;
    public sealed record PasswordMatched : CodeCheck;
    public sealed record Refused(string Message) : CodeCheck;
}
