using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;

namespace Portal.Web.Auth;

public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A plain form post, so it works from any page whatever its render mode; antiforgery is checked for [FromForm].
        app.MapPost("/account/logout", async (HttpContext http, SignInManager<PortalUser> signIn, PortalDbContext db,
            [FromForm] string? returnUrl) =>
        {
            if (http.User.Identity?.IsAuthenticated == true)
            {
                db.Record(http.User.ToActor(http), "user.signed-out");
                await db.SaveChangesAsync();
            }
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login?signedOut=true");
        });
    }
}
