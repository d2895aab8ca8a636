using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Portal.Web.Auth.Mfa;

namespace Portal.Web.Auth;

public static class SingleSignOnEndpoints
{
    public const string StartPath = "/account/sso";
    private const string CompletePath = "/account/sso/complete";

    public static void MapSingleSignOnEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(StartPath, (SingleSignOnOptions sso, string? returnUrl, string? invitation) =>
        {
            if (!sso.Enabled) return Results.NotFound();
            var complete = $"{CompletePath}?returnUrl={Uri.EscapeDataString(ReturnUrls.Safe(returnUrl))}"
                           + (invitation is { Length: > 0 and < 200 } ? $"&invitation={Uri.EscapeDataString(invitation)}" : "");
            return Results.Challenge(new AuthenticationProperties { RedirectUri = complete }, [SingleSignOnOptions.Scheme]);
        }).ExcludeFromDescription();

        app.MapGet(CompletePath, async (HttpContext http, SingleSignOnOptions sso, SingleSignOn signOn, string? returnUrl, string? invitation) =>
        {
            if (!sso.Enabled) return Results.NotFound();
            var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
            await http.SignOutAsync(IdentityConstants.ExternalScheme);
            if (!external.Succeeded || external.Principal is null) return Results.Redirect("/account/login?sso=failed");
            var back = ReturnUrls.Safe(returnUrl);
            var next = await signOn.SignInAsync(external.Principal, invitation, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted) switch
            {
                SsoAnswer.SignedIn { MustEnrolMfa: true } => $"/account/mfa?returnUrl={Uri.EscapeDataString(back)}",
                SsoAnswer.SignedIn => back,
                SsoAnswer.CodeNeeded => $"{AuthenticatorSignIn.CodePage}?returnUrl={Uri.EscapeDataString(back)}",
                SsoAnswer.Refused refused => $"/account/login?sso={refused.Reason}",
                _ => "/account/login?sso=failed",
            };
            // The way here began on the provider's site, and browsers keep SameSite=Strict cookies (the portal's) off every
            // request of a chain a cross-site navigation started; a page of the portal's own moves on as a same-site navigation.
            var target = WebUtility.HtmlEncode(next);
            return Results.Content($"""
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}">
                <title>Signing in · Portal</title></head><body><p><a href="{target}" data-testid="sso-continue">Continue</a></p></body></html>
                """, "text/html; charset=utf-8");
        }).ExcludeFromDescription();
    }
}
