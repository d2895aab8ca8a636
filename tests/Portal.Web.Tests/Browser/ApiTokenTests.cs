using System.Net;
using Microsoft.Playwright;
using Portal.Web.Auth;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

public sealed class ApiTokenPageTests(PortalFixture fixture) : PortalBrowserTests(fixture)
{
    [Fact]
    public async Task A_token_created_on_the_page_works_once_shown_and_stops_working_when_revoked()
    {
        await SignInPage.SignInAsync(Page, DemoAccounts.CustomerEmail, DemoAccounts.CustomerPassword);
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Page.GetByTestId("nav-tokens").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "API tokens" })).ToBeVisibleAsync();

        await Page.Locator("#token-name").FillAsync("deploy script");
        await Page.GetByTestId("create-token").ClickAsync();
        var token = await Page.GetByTestId("new-token-value").InnerTextAsync();
        Assert.StartsWith(ApiTokenService.TokenPrefix, token);

        using var api = Fixture.Portal.CreateClient(token);
        var me = await api.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains(DemoAccounts.CustomerEmail, await me.Content.ReadAsStringAsync());

        // Shown once: after a reload the page lists the token but not its value.
        await Page.ReloadAsync();
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("tokens-table")).ToContainTextAsync("deploy script");
        await Expect(Page.GetByTestId("new-token-value")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("tokens-table")).Not.ToContainTextAsync(token);

        await Page.GetByTestId("revoke-token").ClickAsync();
        await Expect(Page.GetByTestId("tokens-table")).ToContainTextAsync("revoked");

        var afterRevoke = await api.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task A_token_needs_a_name()
    {
        await SignInPage.SignInAsync(Page, DemoAccounts.OperatorEmail, DemoAccounts.OperatorPassword);
        await Page.GotoAsync("/account/tokens");
        await SignInPage.WaitUntilInteractiveAsync(Page);

        await Page.GetByTestId("create-token").ClickAsync();

        await Expect(Page.GetByText("Give the token a name")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("new-token")).ToHaveCountAsync(0);
    }
}
