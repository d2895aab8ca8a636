using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Web.Api;
using Portal.Web.Auth;

namespace Portal.Web.Edge;

/// <summary>
/// Refuses a cookie-authenticated unsafe request (POST, PUT, PATCH, DELETE) that a browser sent from another site or
/// origin: the cookie is ambient authority, so a page elsewhere (another port of the same host is "same-site") could
/// otherwise rotate a webhook token or stop a release. The browser's Sec-Fetch-Site decides; where it is missing,
/// Origin must be this portal's. A request with a bearer token carries no ambient authority and passes, as does one
/// without either header (not a browser: no page can make a browser send such a request).
/// </summary>
public sealed class CrossSiteRequestGuard(RequestDelegate next, IOptionsMonitor<CookieAuthenticationOptions> cookies,
    ILogger<CrossSiteRequestGuard> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsUnsafe(request.Method) || BearerToken.From(request) is not null || !CarriesAuthCookie(request)) return next(context);
        if (IsSameOrigin(request)) return next(context);
        logger.LogWarning("Refused a cross-site {Method} {Path} (Sec-Fetch-Site {FetchSite}, Origin {Origin})",
            request.Method, request.Path, Header(request, "Sec-Fetch-Site"), Header(request, "Origin"));
        return ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused",
            "Requests signed in with the portal's cookie must come from the portal's own pages. Scripts and other tools " +
            "send a personal API token as 'Authorization: Bearer <token>'.");
    }

    private bool CarriesAuthCookie(HttpRequest request) =>
        cookies.Get(IdentityConstants.ApplicationScheme).Cookie.Name is { } name && request.Cookies.ContainsKey(name);

    private static bool IsUnsafe(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private static bool IsSameOrigin(HttpRequest request)
    {
        // "none": the person started the request themselves (typed the address, a bookmark); everything else is a page.
        if (request.Headers.TryGetValue("Sec-Fetch-Site", out var site) && site.Count > 0)
            return site.ToString() is "same-origin" or "none";
        if (!request.Headers.TryGetValue("Origin", out var origin) || origin.Count == 0) return true;
        return string.Equals(origin.ToString(), $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    private static string Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? Portal.Data.Text.PostgresText.Clip(value.ToString(), 200) ?? "" : "(none)";
}
