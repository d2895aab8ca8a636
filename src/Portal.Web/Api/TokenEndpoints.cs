using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data.Entities;
using Portal.Web.Auth;
using Portal.Web.People;

namespace Portal.Web.Api;

public static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokenEndpoints(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("API tokens");

        tokens.MapGet("/", (HttpContext http, ApiTokenService service) => service.ListAsync(http.User.UserId(), http.RequestAborted))
            .WithSummary("Your API tokens (never their values).");

        tokens.MapPost("/", async Task<Results<Created<CreatedApiToken>, ValidationProblem, ProblemHttpResult>> (
            CreateTokenRequest request, HttpContext http, ApiTokenService service, AccountOptions options) =>
        {
            // A leaked token must not be able to outlive its revocation by minting others.
            if (ApiScopes.IsToken(http.User))
                return TypedResults.Problem("An API token cannot create tokens: sign in to the portal to create one.",
                    statusCode: StatusCodes.Status403Forbidden, title: "Tokens cannot create tokens");
            if (TokenNameRules.Check(request.Name) is { } error)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [error] });
            if (ApiScopes.Check(request.Scopes, request.ExpiresInDays, http.User.IsInRole(PortalRoles.Operator), options) is { } refused)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [refused.Field] = [refused.Message] });
            var lifetime = request.ExpiresInDays is { } days ? TimeSpan.FromDays(days) : (TimeSpan?)null;
            var created = await service.CreateAsync(http.User.ToActor(http), request.Name!, request.Scopes, lifetime, http.RequestAborted);
            return TypedResults.Created($"/api/v1/tokens/{created.Token.Id}", created);
        }).WithSummary("Creates a token (signed-in browsers only, never with a token). Its value is in this answer only.")
        .WithDescription("Scopes: read (GET), write (changes), operations (operators' routes; operators only). Default: every scope " +
                         "your role allows. expiresInDays: default 90, at most 365 (Portal:Accounts:ApiToken*Lifetime).");

        tokens.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, HttpContext http, ApiTokenService service) =>
            await service.RevokeAsync(http.User.ToActor(http), id, http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Revokes a token at once.");
        return api;
    }
}

public sealed record CreateTokenRequest([property: Required] string? Name, IReadOnlyList<string>? Scopes = null, int? ExpiresInDays = null);

/// <summary>The one rule for token names, used by the API and the page.</summary>
public static class TokenNameRules
{
    public const int MaxLength = 100;

    public static string? Check(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Give the token a name, e.g. 'CI pipeline'."
        : name.Trim().Length > MaxLength ? $"Use at most {MaxLength} characters."
        : null;
}
