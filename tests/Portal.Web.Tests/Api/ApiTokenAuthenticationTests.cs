using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.Tests.Api;

public sealed class ApiTokenAuthenticationTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private PortalTestHelpers Helpers => new(fixture);

    [Fact]
    public async Task A_personal_token_authenticates_a_request()
    {
        var (user, token) = await Helpers.UserWithTokenAsync(PortalRoles.Customer);

        using var api = fixture.Portal.CreateClient(token);
        var me = await api.GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal(user.Email, me.GetProperty("email").GetString());
        Assert.Equal([PortalRoles.Customer], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));
        Assert.Equal(user.CustomerId?.ToString(), me.GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task A_revoked_token_gets_401_with_problem_details()
    {
        var (user, token) = await Helpers.UserWithTokenAsync(PortalRoles.Operator);
        using var api = fixture.Portal.CreateClient(token);
        var tokens = await api.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        var id = tokens[0].GetProperty("id").GetString();

        var revoke = await api.DeleteAsync($"/api/v1/tokens/{id}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        await AssertUnauthorizedProblemAsync(await api.GetAsync("/api/v1/me"), "revoked or expired");
    }

    [Fact]
    public async Task A_wrong_token_gets_401_with_problem_details()
    {
        using var api = fixture.Portal.CreateClient(ApiTokenService.TokenPrefix + "not-a-real-token");
        await AssertUnauthorizedProblemAsync(await api.GetAsync("/api/v1/me"), "revoked or expired");
    }

    [Fact]
    public async Task No_credentials_get_401_with_problem_details_not_a_redirect()
    {
        using var api = fixture.Portal.CreateClient();
        await AssertUnauthorizedProblemAsync(await api.GetAsync("/api/v1/me"), "Authorization: Bearer");
    }

    [Fact]
    public async Task Tokens_are_stored_hashed_and_one_user_cannot_revoke_another_users_token()
    {
        var (_, tokenA) = await Helpers.UserWithTokenAsync(PortalRoles.Customer);
        var (_, tokenB) = await Helpers.UserWithTokenAsync(PortalRoles.Customer);
        using var apiA = fixture.Portal.CreateClient(tokenA);
        using var apiB = fixture.Portal.CreateClient(tokenB);
        var idOfA = (await apiA.GetFromJsonAsync<JsonElement>("/api/v1/tokens"))[0].GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NotFound, (await apiB.DeleteAsync($"/api/v1/tokens/{idOfA}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await apiA.GetAsync("/api/v1/me")).StatusCode);

        var stored = await fixture.Portal.WithScopeAsync(services =>
            Task.FromResult(services.GetRequiredService<Portal.Data.PortalDbContext>().ApiTokens.Select(t => t.Hash).ToList()));
        Assert.DoesNotContain(tokenA, stored);
        Assert.Contains(Portal.Data.Security.SecretToken.Hash(tokenA), stored);
    }

    private static async Task AssertUnauthorizedProblemAsync(HttpResponseMessage response, string detailContains)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
    }
}

internal sealed class PortalTestHelpers(PortalFixture fixture)
{
    public async Task<(PortalUser User, string Token)> UserWithTokenAsync(string role)
    {
        var user = await fixture.Portal.CreateUserAsync(role, $"{Guid.NewGuid():N}@example.test", "Long#Password1");
        var created = await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<ApiTokenService>().CreateAsync(new Actor(user.Id, user.Email!), "test"));
        return (user, created.Value);
    }
}
