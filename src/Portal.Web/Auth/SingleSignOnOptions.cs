namespace Portal.Web.Auth;

/// <summary>
/// OpenID Connect single sign-on of this install (section "Portal:Oidc"): off unless Authority is set; checked at start.
/// GitLab works as the provider (its OpenID Connect issuer is the GitLab URL), as does any provider that sends email_verified.
/// </summary>
public sealed class SingleSignOnOptions
{
    public const string Section = "Portal:Oidc";
    public const string Scheme = "oidc";
    public const string CallbackPath = "/signin-oidc";

    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>What the sign-in button says: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>Plain http is allowed only for a provider on this machine (development and tests).</summary>
    public bool RequiresHttps => !(Uri.TryCreate(Authority, UriKind.Absolute, out var uri) && uri.Scheme == "http" && uri.IsLoopback);

    public void Validate()
    {
        if (!Enabled) return;
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http")
            || (authority.Scheme == "http" && !authority.IsLoopback))
            throw new InvalidOperationException($"{Section}:Authority must be the provider's https issuer URL (is '{Authority}').");
        if (string.IsNullOrWhiteSpace(ClientId)) throw new InvalidOperationException($"{Section}:ClientId is required with an Authority.");
        if (string.IsNullOrWhiteSpace(ClientSecret)) throw new InvalidOperationException($"{Section}:ClientSecret is required with an Authority.");
        if (string.IsNullOrWhiteSpace(DisplayName) || DisplayName.Length > 60)
            throw new InvalidOperationException($"{Section}:DisplayName must be 1 to 60 characters.");
    }
}
