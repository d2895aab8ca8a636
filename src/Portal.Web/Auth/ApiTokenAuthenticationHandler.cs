using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data.Entities;
using Portal.Web.Api;

namespace Portal.Web.Auth;

/// <summary>Authenticates "Authorization: Bearer pat_…" with a personal API token.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens,
    IUserClaimsPrincipalFactory<PortalUser> principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    private const string UnknownToken = "The API token is unknown, revoked or expired.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.From(Request) is not { } presented) return AuthenticateResult.NoResult();

        var token = await tokens.AuthenticateAsync(presented, Context.RequestAborted);
        if (token is null) return AuthenticateResult.Fail(UnknownToken);

        var principal = await principals.CreateAsync(token.User);
        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var scope in ApiScopes.Parse(token.Scopes)) identity.AddClaim(new Claim(PortalClaims.Scope, scope));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = BearerToken.From(Request) is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{UnknownToken}\"";
        return ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized,
            "Authentication required",
            BearerToken.From(Request) is null
                ? "Send a personal API token as 'Authorization: Bearer <token>', or sign in."
                : UnknownToken);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "Your account may not do this.");
}

internal static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }
}
