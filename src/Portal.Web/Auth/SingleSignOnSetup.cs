using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Portal.Web.Auth;

public static class SingleSignOnSetup
{
    private static readonly string[] Scopes = ["openid", "email", "profile"];

    /// <summary>
    /// The authorization-code flow with PKCE. The handler only proves who the provider says signed in (into Identity's
    /// external cookie); <see cref="SingleSignOnEndpoints"/> then links that to a portal account and starts the portal's own session.
    /// </summary>
    public static AuthenticationBuilder AddPortalSingleSignOn(this AuthenticationBuilder authentication, SingleSignOnOptions sso) =>
        authentication.AddOpenIdConnect(SingleSignOnOptions.Scheme, sso.DisplayName, options =>
        {
            options.SignInScheme = IdentityConstants.ExternalScheme;
            options.Authority = sso.Authority;
            options.ClientId = sso.ClientId;
            options.ClientSecret = sso.ClientSecret;
            options.RequireHttpsMetadata = sso.RequiresHttps;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.UsePkce = true;
            options.CallbackPath = SingleSignOnOptions.CallbackPath;
            options.Scope.Clear();
            foreach (var scope in Scopes) options.Scope.Add(scope);
            options.GetClaimsFromUserInfoEndpoint = true;
            options.MapInboundClaims = false;
            options.SaveTokens = false;
            options.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
            // The provider sends the browser back with a top-level GET (response_mode=query): Lax is enough, and it
            // survives plain http on loopback, where browsers refuse SameSite=None without Secure.
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.NonceCookie.SameSite = SameSiteMode.Lax;
            options.Events.OnRemoteFailure = context =>
            {
                context.HandleResponse();
                context.Response.Redirect($"/account/login?sso=failed");
                return Task.CompletedTask;
            };
        });
}
