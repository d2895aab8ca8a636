namespace Portal.Web.People;

/// <summary>Lifetimes and limits of accounts, sessions, sign-in and API tokens (section "Portal:Accounts"), checked at start.</summary>
public sealed class AccountOptions
{
    public const string Section = "Portal:Accounts";

    /// <summary>How long an invitation link works.</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A browser session not used for this long ends.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A browser session ends this long after sign-in, however busy.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often an open page (Blazor circuit) checks that its session still stands.</summary>
    public TimeSpan SessionRevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sign-in attempts one address may make per minute (then 429).</summary>
    public int SignInAttemptsPerAddressPerMinute { get; set; } = 20;

    /// <summary>The longest wait a run of failed sign-ins puts before the account's next attempt (delays double per failure).</summary>
    public TimeSpan MaxSignInDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Operators must use an authenticator app (TOTP); null: true outside Development.</summary>
    public bool? RequireMfaForOperators { get; set; }

    public bool MfaRequiredForOperators => RequireMfaForOperators ?? true;

    /// <summary>How long a password-reset link works.</summary>
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan ApiTokenDefaultLifetime { get; set; } = TimeSpan.FromDays(90);
    public TimeSpan ApiTokenMaxLifetime { get; set; } = TimeSpan.FromDays(365);

    public void Validate()
    {
        Positive(InvitationLifetime, nameof(InvitationLifetime));
        Positive(SessionIdleTimeout, nameof(SessionIdleTimeout));
        Positive(SessionAbsoluteLifetime, nameof(SessionAbsoluteLifetime));
        Positive(SessionRevalidationInterval, nameof(SessionRevalidationInterval));
        Positive(ApiTokenDefaultLifetime, nameof(ApiTokenDefaultLifetime));
        Positive(PasswordResetLifetime, nameof(PasswordResetLifetime));
        if (ApiTokenDefaultLifetime > ApiTokenMaxLifetime)
            throw new InvalidOperationException($"{Section}:{nameof(ApiTokenDefaultLifetime)} may not exceed {nameof(ApiTokenMaxLifetime)}.");
        if (SignInAttemptsPerAddressPerMinute is < 1 or > 10_000)
            throw new InvalidOperationException($"{Section}:{nameof(SignInAttemptsPerAddressPerMinute)} must be between 1 and 10000.");
        if (MaxSignInDelay < TimeSpan.Zero || MaxSignInDelay > TimeSpan.FromMinutes(5))
            throw new InvalidOperationException($"{Section}:{nameof(MaxSignInDelay)} must be between 0 and 5 minutes.");
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) throw new InvalidOperationException($"{Section}:{name} must be positive (is {value}).");
    }
}
