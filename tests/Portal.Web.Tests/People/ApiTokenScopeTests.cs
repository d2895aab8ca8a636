using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.Tests.People;

public sealed class ApiTokenScopeTests(PeopleFixture fixture) : IClassFixture<PeopleFixture>
{
    private PeopleApi People => new(fixture);

    [Fact]
    public async Task A_token_cannot_create_tokens_but_a_signed_in_browser_can_with_scopes_and_a_lifetime()
    {
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"m-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        using var api = fixture.Portal.CreateClient(await People.TokenForAsync(user));
        var minted = await api.PostAsJsonAsync("/api/v1/tokens", new { name = "child" });
        Assert.Equal(HttpStatusCode.Forbidden, minted.StatusCode);
        Assert.Contains("cannot create tokens", await minted.Content.ReadAsStringAsync());

        using var browser = new FormClient(fixture.Portal);
        await browser.SignInAsync(user.Email!, PeopleApi.Password);
        var created = await browser.Http.PostAsJsonAsync("/api/v1/tokens", new { name = "ci", scopes = new[] { "read" }, expiresInDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(["read"], body.GetProperty("token").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!));
        var expires = body.GetProperty("token").GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(29.9), DateTimeOffset.UtcNow.AddDays(30.1));

        var unnamed = await browser.Http.PostAsJsonAsync("/api/v1/tokens", new { name = " " });
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Equal("application/problem+json", unnamed.Content.Headers.ContentType?.MediaType);
        Assert.Contains("name", (await unnamed.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("errors")
            .EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Http.PostAsJsonAsync("/api/v1/tokens", new { name = "long", expiresInDays = 400 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Http.PostAsJsonAsync("/api/v1/tokens", new { name = "ops", scopes = new[] { "operations" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Http.PostAsJsonAsync("/api/v1/tokens", new { name = "odd", scopes = new[] { "admin" } })).StatusCode);
    }

    [Fact]
    public async Task A_read_token_cannot_write_and_an_operators_token_needs_the_operations_scope()
    {
        var customer = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"r-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        using var reader = fixture.Portal.CreateClient(await People.TokenForAsync(customer, [ApiScopes.Read]));
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/v1/hosts")).StatusCode);
        var write = await reader.PostAsJsonAsync("/api/v1/hosts", new { name = "nope" });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("'write' scope", await write.Content.ReadAsStringAsync());

        var op = await fixture.Portal.CreateUserAsync(PortalRoles.Operator, $"o-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        using var plain = fixture.Portal.CreateClient(await People.TokenForAsync(op, [ApiScopes.Read, ApiScopes.Write]));
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync("/api/v1/operations/overview")).StatusCode);
        using var full = fixture.Portal.CreateClient(await People.TokenForAsync(op));
        Assert.Equal(HttpStatusCode.OK, (await full.GetAsync("/api/v1/operations/overview")).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_gets_401()
    {
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"x-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        var token = await People.TokenForAsync(user);
        using var api = fixture.Portal.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/me")).StatusCode);
        await fixture.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().ApiTokens.Where(t => t.UserId == user.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        var refused = await api.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("expired", await refused.Content.ReadAsStringAsync());
    }
}
