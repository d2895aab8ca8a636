using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Portal.Web.People;

namespace Portal.Web.Auth;

/// <summary>
/// Keeps open pages honest: a Blazor circuit re-asks the session store every Portal:Accounts:SessionRevalidationInterval,
/// and a circuit whose session ended (signed out in another tab, removed, suspended) becomes signed out.
/// </summary>
public sealed class SessionRevalidatingStateProvider(ILoggerFactory loggers, SessionStore sessions, AccountOptions options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => options.SessionRevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState,
        CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated != true || await sessions.StandsAsync(authenticationState.User, cancellationToken);
}

/// <summary>Checks the session of every cookie-authenticated request; a cookie whose session ended is refused and cleared.</summary>
public static class SessionCookieValidation
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null) return;
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
        if (await sessions.StandsAsync(context.Principal, context.HttpContext.RequestAborted)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }
}
