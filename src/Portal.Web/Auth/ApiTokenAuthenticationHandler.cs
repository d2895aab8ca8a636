using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data.Entities;

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

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.From(Request) is not { } presented) return AuthenticateResult.NoResult();

        var user = await tokens.AuthenticateAsync(presented, Context.RequestAborted);
        if (user is null || user.LockoutEnd > DateTimeOffset.UtcNow)
            return AuthenticateResult.Fail("The API token is unknown or revoked.");

        var principal = await principals.CreateAsync(user);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = BearerToken.From(Request) is null
            ? "Bearer"
            : "Bearer error=\"invalid_token\", error_description=\"The API token is unknown or revoked.\"";
        return ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized,
            "Authentication required",
            BearerToken.From(Request) is null
                ? "Send a personal API token as 'Authorization: Bearer <token>', or sign in."
                : "The API token is unknown or revoked.");
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
