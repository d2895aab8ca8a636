using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Entities;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.People;

/// <summary>
/// In Chromium, single sign-on through a real OpenID provider (npm oidc-provider): authorization code with PKCE, linked by
/// verified e-mail to an account or an invitation, never creating one otherwise; the session is the portal's own.
/// </summary>
public sealed class SsoBrowserTests(SsoFixture fixture) : IClassFixture<SsoFixture>
{
    [Fact]
    public async Task An_invited_user_signs_in_through_the_provider_and_gets_a_portal_session_that_sign_out_ends()
    {
        var email = $"sso-{Guid.NewGuid():N}@example.test";
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, PeopleApi.Password);
        await using var context = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByTestId("sso-sign-in").ClickAsync();
        await SignInAtProviderAsync(page, email);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();

        var (sessions, logins) = await SessionsAndLoginsAsync(user.Id);
        var session = Assert.Single(sessions);
        Assert.Null(session.EndedAt);
        Assert.Equal("oidc", Assert.Single(logins));

        await Portal.Web.Tests.Browser.SignInPage.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page.GetByTestId("signed-out")).ToBeVisibleAsync();
        Assert.Equal("signed out", Assert.Single((await SessionsAndLoginsAsync(user.Id)).Sessions).EndReason);
        await page.GotoAsync("/account/profile");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
    }

    [Fact]
    public async Task An_invitation_is_accepted_through_the_provider_with_the_same_verified_e_mail()
    {
        var people = new PeopleApi(fixture);
        var (_, operatorApi) = await people.OperatorAsync();
        var customerId = await people.CreateCustomerAsync(operatorApi);
        var email = $"sso-invited-{Guid.NewGuid():N}@example.test";
        await PeopleApi.InviteAsync(operatorApi, customerId, email, "CustomerMember");
        var link = (await fixture.Mail.WaitForAsync(email, "invited")).LinkTo("/account/invitation");

        await using var context = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl);
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.GetByTestId("sso-accept").ClickAsync();
        await SignInAtProviderAsync(page, email);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        var created = await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<PortalDbContext>().Users.SingleAsync(u => u.Email == email));
        Assert.Equal(customerId, created.CustomerId);
        Assert.Null(created.PasswordHash);
    }

    [Fact]
    public async Task An_unverified_or_unknown_e_mail_signs_in_nobody_and_creates_no_account()
    {
        var email = $"sso-unverified-{Guid.NewGuid():N}@example.test";
        await fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, PeopleApi.Password);
        await using (var context = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/account/login");
            await page.GetByTestId("sso-sign-in").ClickAsync();
            await SignInAtProviderAsync(page, "unverified:" + email);
            await Expect(page.GetByTestId("sso-error")).ToContainTextAsync("has not confirmed your e-mail address");
        }

        var stranger = $"sso-stranger-{Guid.NewGuid():N}@example.test";
        await using (var context = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/account/login");
            await page.GetByTestId("sso-sign-in").ClickAsync();
            await SignInAtProviderAsync(page, stranger);
            await Expect(page.GetByTestId("sso-error")).ToContainTextAsync("No portal account has this e-mail address");
        }
        Assert.False(await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<PortalDbContext>().Users.AnyAsync(u => u.Email == stranger)));
    }

    private Task SignInAtProviderAsync(IPage page, string login) => fixture.SignInAtProviderAsync(page, login);

    private Task<(List<UserSession> Sessions, List<string> Logins)> SessionsAndLoginsAsync(Guid userId) => fixture.Portal.WithScopeAsync(async services =>
    {
        var db = services.GetRequiredService<PortalDbContext>();
        return (await db.UserSessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync(),
            await db.UserLogins.Where(l => l.UserId == userId).Select(l => l.LoginProvider).ToListAsync());
    });
}
