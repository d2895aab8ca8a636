using System.Net;
using Microsoft.Playwright;
using Portal.Web.Auth;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

public sealed class ApiTokenPageTests(PortalFixture fixture) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private IBrowserContext context = null!;
    private IPage page = null!;

    public async Task InitializeAsync()
    {
        context = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl);
        page = await context.NewPageAsync();
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task A_token_created_on_the_page_works_once_shown_and_stops_working_when_revoked()
    {
        await SignInPage.SignInAsync(page, DemoAccounts.CustomerEmail, DemoAccounts.CustomerPassword);
        await SignInPage.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("nav-tokens").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API tokens" })).ToBeVisibleAsync();

        await page.Locator("#token-name").FillAsync("deploy script");
        await page.GetByTestId("create-token").ClickAsync();
        var token = await page.GetByTestId("new-token-value").InnerTextAsync();
        Assert.StartsWith(ApiTokenService.TokenPrefix, token);

        using var api = fixture.Portal.CreateClient(token);
        var me = await api.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains(DemoAccounts.CustomerEmail, await me.Content.ReadAsStringAsync());

        // Shown once: after a reload the page lists the token but not its value.
        await page.ReloadAsync();
        await SignInPage.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("tokens-table")).ToContainTextAsync("deploy script");
        await Expect(page.GetByTestId("new-token-value")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("tokens-table")).Not.ToContainTextAsync(token);

        await page.GetByTestId("revoke-token").ClickAsync();
        await Expect(page.GetByTestId("tokens-table")).ToContainTextAsync("revoked");

        var afterRevoke = await api.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task A_token_needs_a_name()
    {
        await SignInPage.SignInAsync(page, DemoAccounts.OperatorEmail, DemoAccounts.OperatorPassword);
        await page.GotoAsync("/account/tokens");
        await SignInPage.WaitUntilInteractiveAsync(page);

        await page.GetByTestId("create-token").ClickAsync();

        await Expect(page.GetByText("Give the token a name")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("new-token")).ToHaveCountAsync(0);
    }
}
