using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.Tests.People;

public sealed class SignInProtectionTests(PeopleFixture fixture) : IClassFixture<PeopleFixture>
{
    [Fact]
    public async Task Known_and_unknown_e_mails_get_the_same_answers_and_failures_delay_rather_than_lock()
    {
        var known = await fixture.Portal.CreateUserAsync(PortalRoles.Operator, $"k-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        var unknown = $"u-{Guid.NewGuid():N}@example.test";
        using var browser = new FormClient(fixture.Portal);

        var answersKnown = new List<string?>();
        var answersUnknown = new List<string?>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            answersKnown.Add(await FormClient.SignInErrorAsync(await browser.SignInAsync(known.Email!, "wrong-password-1")));
            answersUnknown.Add(await FormClient.SignInErrorAsync(await browser.SignInAsync(unknown, "wrong-password-1")));
        }
        // The same words; only the seconds left may differ by the moment each was asked.
        static string Words(string? answer) => System.Text.RegularExpressions.Regex.Replace(answer ?? "", @"\d+", "N");
        Assert.Equal(answersUnknown.Select(Words), answersKnown.Select(Words));
        Assert.Equal(PasswordSignIn.WrongCredentials, answersKnown[0]);
        Assert.StartsWith("Too many failed sign-ins for this e-mail", answersKnown[^1]);

        // Not a lock: nothing about the account changed, and once the (short) delay is over the right password works.
        var user = await fixture.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == known.Id));
        Assert.Null(user.LockoutEnd);
        await fixture.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().SignInThrottles
            .Where(t => t.EmailKey == user.NormalizedEmail)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.LastFailureAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        Assert.Null(await FormClient.SignInErrorAsync(await browser.SignInAsync(known.Email!, PeopleApi.Password)));
    }

    [Fact]
    public async Task An_operator_unlocks_an_account_so_its_next_attempt_waits_for_nothing()
    {
        var (_, operatorApi) = await new PeopleApi(fixture).OperatorAsync();
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"l-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        for (var attempt = 0; attempt < 4; attempt++) await browser.SignInAsync(user.Email!, "wrong-password-1");
        Assert.StartsWith("Too many", await FormClient.SignInErrorAsync(await browser.SignInAsync(user.Email!, PeopleApi.Password)));

        Assert.Equal(HttpStatusCode.OK, (await operatorApi.PostAsync($"/api/v1/users/{user.Id}/unlock", null)).StatusCode);

        Assert.Null(await FormClient.SignInErrorAsync(await browser.SignInAsync(user.Email!, PeopleApi.Password)));
        var customerApi = fixture.Portal.CreateClient(await new PeopleApi(fixture).TokenForAsync(user));
        Assert.Equal(HttpStatusCode.Forbidden, (await customerApi.PostAsync($"/api/v1/users/{user.Id}/unlock", null)).StatusCode);
    }
}

/// <summary>A portal whose per-address limit is low enough to reach.</summary>
public sealed class SignInRateLimitTests : IAsyncLifetime
{
    private Portal.Tests.Support.ProvisioningWorld world = null!;
    private Portal.Tests.Support.SmtpPeer mail = null!;

    public async Task InitializeAsync()
    {
        mail = await Portal.Tests.Support.SmtpPeer.StartAsync();
        world = await Portal.Tests.Support.ProvisioningWorld.StartAsync(new Dictionary<string, string?>(mail.PortalSettings)
        {
            ["Portal:Accounts:SignInAttemptsPerAddressPerMinute"] = "5",
        });
    }

    public async Task DisposeAsync()
    {
        await world.DisposeAsync();
        await mail.DisposeAsync();
    }

    [Fact]
    public async Task One_address_gets_429_after_its_attempts_per_minute_whatever_the_e_mail()
    {
        using var browser = new FormClient(world.Portal);
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 7; attempt++)
            statuses.Add((await browser.SignInAsync($"r{attempt}-{Guid.NewGuid():N}@example.test", "whatever-123")).StatusCode);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        // Pages and the API are not limited by it.
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/account/login")).StatusCode);
    }
}
