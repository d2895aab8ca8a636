using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;

namespace Portal.Web.Auth;

public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A plain form post, so it works from any page whatever its render mode; antiforgery is checked for [FromForm].
        app.MapPost("/account/logout", async (HttpContext http, SignInManager<PortalUser> signIn, IDbContextFactory<PortalDbContext> contexts,
            SessionStore sessions, [FromForm] string? returnUrl) =>
        {
            if (http.User.Identity?.IsAuthenticated == true)
            {
                // Server-side: a copy of the cookie and every open page of this session stop working too.
                await sessions.EndAsync(http.User, "signed out");
                await using var db = await contexts.CreateDbContextAsync();
                db.Record(http.User.ToActor(http), AuditActions.UserSignedOut);
                await db.SaveChangesAsync();
            }
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login?signedOut=true");
        });

        // Every browser session of the signed-in person ends (another device, a forgotten tab); API tokens stay.
        // The form parameter makes the endpoint check the antiforgery token, as sign-out does.
        app.MapPost("/account/logout-everywhere", async (HttpContext http, SignInManager<PortalUser> signIn,
            IDbContextFactory<PortalDbContext> contexts, TimeProvider clock, [FromForm] string? returnUrl) =>
        {
            if (http.User.Identity?.IsAuthenticated == true)
            {
                await using var db = await contexts.CreateDbContextAsync();
                await SessionStore.EndAllAsync(db, http.User.UserId(), clock.GetUtcNow(), "signed out everywhere", http.RequestAborted);
                db.Record(http.User.ToActor(http), AuditActions.UserSessionsEnded);
                await db.SaveChangesAsync();
            }
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login?signedOut=true");
        });
    }
}
