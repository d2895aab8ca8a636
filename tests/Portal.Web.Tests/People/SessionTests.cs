using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Tests.People;

/// <summary>Sessions end on the server: sign-out, idle and absolute timeouts, and a copied cookie stops working with them.</summary>
public sealed class SessionTests(PeopleFixture fixture) : IClassFixture<PeopleFixture>
{
    [Fact]
    public async Task Signing_out_ends_the_session_so_a_copied_cookie_stops_working()
    {
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"s-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        Assert.Null(await FormClient.SignInErrorAsync(await browser.SignInAsync(user.Email!, PeopleApi.Password)));
        using var thief = fixture.Portal.CreateClient();
        thief.DefaultRequestHeaders.Add("Cookie", browser.CookieHeader);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/api/v1/me")).StatusCode);

        var signedOut = await browser.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/v1/me")).StatusCode);
        var session = await fixture.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().UserSessions.SingleAsync(x => x.UserId == user.Id));
        Assert.Equal("signed out", session.EndReason);
    }

    [Theory]
    [InlineData("idle timeout")]
    [InlineData("absolute lifetime")]
    public async Task A_session_ends_when_idle_too_long_or_too_old(string reason)
    {
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"t-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        await browser.SignInAsync(user.Email!, PeopleApi.Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);

        // Defaults: 2 hours idle, 12 hours in all. Move the session back in time rather than wait.
        var sessions = fixture.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await sessions.CreateDbContextAsync())
        {
            var row = await db.UserSessions.SingleAsync(x => x.UserId == user.Id);
            if (reason == "idle timeout") row.LastSeenAt = DateTimeOffset.UtcNow.AddHours(-3);
            else row.CreatedAt = DateTimeOffset.UtcNow.AddHours(-13);
            await db.SaveChangesAsync();
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
        var session = await fixture.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().UserSessions.SingleAsync(x => x.UserId == user.Id));
        Assert.Equal(reason, session.EndReason);
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session_of_a_person()
    {
        var (_, operatorApi) = await new PeopleApi(fixture).OperatorAsync();
        var (customerId, _, adminApi) = await new PeopleApi(fixture).CustomerAdminAsync(operatorApi);
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"e-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        await fixture.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.CustomerId, customerId)));
        using var laptop = new FormClient(fixture.Portal);
        using var phone = new FormClient(fixture.Portal);
        await laptop.SignInAsync(user.Email!, PeopleApi.Password);
        await phone.SignInAsync(user.Email!, PeopleApi.Password);

        Assert.Equal(HttpStatusCode.OK, (await adminApi.PostAsync($"/api/v1/customers/{customerId}/people/{user.Id}/sessions/end", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.Http.GetAsync("/api/v1/me")).StatusCode);
        var me = await adminApi.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(customerId, me.GetProperty("customerId").GetGuid());
    }

    [Fact]
    public async Task A_person_signs_out_everywhere_from_their_account_page_and_keeps_their_tokens()
    {
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"w-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        using var laptop = new FormClient(fixture.Portal);
        using var phone = new FormClient(fixture.Portal);
        await laptop.SignInAsync(user.Email!, PeopleApi.Password);
        await phone.SignInAsync(user.Email!, PeopleApi.Password);
        Assert.Contains("sign-out-everywhere", await laptop.Http.GetStringAsync("/account/profile"));

        var signedOut = await laptop.SignOutAsync(everywhere: true);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.Http.GetAsync("/api/v1/me")).StatusCode);
        var ended = await fixture.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().UserSessions
            .Where(x => x.UserId == user.Id).Select(x => x.EndReason).ToListAsync());
        Assert.Equal(["signed out everywhere", "signed out everywhere"], ended);
    }

    [Fact]
    public async Task Signing_out_everywhere_needs_the_antiforgery_token()
    {
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"x-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        await browser.SignInAsync(user.Email!, PeopleApi.Password);

        var forged = await browser.Http.PostAsync("/account/logout-everywhere", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
    }
}
