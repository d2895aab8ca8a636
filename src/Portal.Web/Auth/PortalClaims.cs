using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data.Audit;
using Portal.Data.Entities;

namespace Portal.Web.Auth;

/// <summary>Adds the customer a user belongs to, so every request knows its tenant without a query.</summary>
public sealed class PortalClaimsPrincipalFactory(
    UserManager<PortalUser> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.CustomerId is { } customerId) identity.AddClaim(new Claim(PortalClaims.CustomerId, customerId.ToString()));
        identity.AddClaim(new Claim(PortalClaims.DisplayName, user.DisplayName));
        return identity;
    }
}

public static class PortalClaims
{
    public const string CustomerId = "portal:customer";
    public const string DisplayName = "portal:name";

    public static Guid UserId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."));

    public static Guid? CustomerIdOf(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(CustomerId), out var id) ? id : null;

    public static Actor ToActor(this ClaimsPrincipal user, HttpContext? http = null) =>
        new(user.UserId(), user.Identity?.Name ?? "unknown", http?.Connection.RemoteIpAddress?.ToString());
}
