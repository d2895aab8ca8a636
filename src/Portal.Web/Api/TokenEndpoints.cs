using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Auth;

namespace Portal.Web.Api;

public static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokenEndpoints(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("API tokens");

        tokens.MapGet("/", (HttpContext http, ApiTokenService service) => service.ListAsync(http.User.UserId(), http.RequestAborted))
            .WithSummary("Your API tokens (never their values).");

        tokens.MapPost("/", async Task<Results<Created<CreatedApiToken>, ValidationProblem>> (
            CreateTokenRequest request, HttpContext http, ApiTokenService service) =>
        {
            if (TokenNameRules.Check(request.Name) is { } error)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [error] });
            var created = await service.CreateAsync(http.User.ToActor(http), request.Name!, http.RequestAborted);
            return TypedResults.Created($"/api/v1/tokens/{created.Token.Id}", created);
        }).WithSummary("Creates a token. Its value is in this answer only.");

        tokens.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, HttpContext http, ApiTokenService service) =>
            await service.RevokeAsync(http.User.ToActor(http), id, http.RequestAborted) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Revokes a token at once.");
        return api;
    }
}

public sealed record CreateTokenRequest([property: Required] string? Name);

/// <summary>The one rule for token names, used by the API and the page.</summary>
public static class TokenNameRules
{
    public const int MaxLength = 100;

    public static string? Check(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Give the token a name, e.g. 'CI pipeline'."
        : name.Trim().Length > MaxLength ? $"Use at most {MaxLength} characters."
        : null;
}
