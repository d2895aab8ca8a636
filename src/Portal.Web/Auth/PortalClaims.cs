using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Web.Auth.Mfa;
using Portal.Web.People;

namespace Portal.Web.Auth;

/// <summary>
/// Adds the customer a user belongs to, so every request knows its tenant without a query. An operator who must use an
/// authenticator and has none gets no roles at all, only <see cref="PortalClaims.MfaEnrolmentRequired"/>: every page and
/// route but the enrolment page refuses them, whether they come with a cookie, an open page or an API token.
/// </summary>
public sealed class PortalClaimsPrincipalFactory(
    UserManager<PortalUser> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options,
    IDbContextFactory<PortalDbContext> contexts, AccountOptions accounts)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (accounts.MfaRequiredForOperators)
        {
            await using var db = await contexts.CreateDbContextAsync();
            if (await Authenticators.IsOperatorWithoutAuthenticatorAsync(db, user.Id, CancellationToken.None))
            {
                foreach (var role in identity.FindAll(identity.RoleClaimType).ToList()) identity.RemoveClaim(role);
                identity.AddClaim(new Claim(PortalClaims.MfaEnrolmentRequired, "true"));
            }
        }
        if (user.CustomerId is { } customerId) identity.AddClaim(new Claim(PortalClaims.CustomerId, customerId.ToString()));
        identity.AddClaim(new Claim(PortalClaims.DisplayName, user.DisplayName));
        return identity;
    }
}

public static class PortalClaims
{
    public const string CustomerId = "portal:customer";
    public const string DisplayName = "portal:name";

    /// <summary>An operator who must enrol an authenticator first; such a principal carries no roles.</summary>
    public const string MfaEnrolmentRequired = "portal:mfa-enrol";

    /// <summary>The policy of the few pages such an operator may open (MFA enrolment); every other route uses the default policy.</summary>
    public const string SignedInEvenWithoutMfa = "signed-in-even-without-mfa";

    /// <summary>The browser session (a row of UserSessions) a cookie belongs to.</summary>
    public const string SessionId = "portal:session";

    /// <summary>A scope of the API token a request came with (read, write, operations); cookies carry none.</summary>
    public const string Scope = "portal:scope";

    public static Guid UserId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."));

    public static Guid? CustomerIdOf(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(CustomerId), out var id) ? id : null;

    public static Actor ToActor(this ClaimsPrincipal user, HttpContext? http = null) =>
        new(user.UserId(), user.Identity?.Name ?? "unknown", http?.Connection.RemoteIpAddress?.ToString());
}
