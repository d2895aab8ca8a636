using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.Api;

public static class MeEndpoints
{
    public static RouteGroupBuilder MapMeEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me", async Task<Results<Ok<MeResponse>, NotFound>> (HttpContext http, UserManager<PortalUser> users) =>
        {
            var user = await users.FindByIdAsync(http.User.UserId().ToString());
            if (user is null) return TypedResults.NotFound();
            var roles = await users.GetRolesAsync(user);
            return TypedResults.Ok(new MeResponse(user.Id, user.Email!, user.DisplayName, [.. roles], user.CustomerId));
        }).WithName("GetMe").WithSummary("The signed-in user or the owner of the API token.");
        return api;
    }
}

public sealed record MeResponse(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, Guid? CustomerId);
