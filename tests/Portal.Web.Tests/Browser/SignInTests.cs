using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Web.Auth;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

public sealed class SignInTests(PortalFixture fixture) : IClassFixture<PortalFixture>, IAsyncLifetime
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
    public async Task Demo_customer_signs_in_and_sees_my_hosts_but_not_operations()
    {
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));

        await SignInPage.SignInAsync(page, DemoAccounts.CustomerEmail, DemoAccounts.CustomerPassword);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-my-hosts")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-operations")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("Dana Demo");
    }

    [Fact]
    public async Task Demo_operator_signs_in_and_sees_operations()
    {
        await SignInPage.SignInAsync(page, DemoAccounts.OperatorEmail, DemoAccounts.OperatorPassword);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operations" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-operations")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-my-hosts")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Wrong_password_shows_an_error_and_the_fifth_locks_the_account()
    {
        const string password = "Correct#Horse1";
        var email = $"lock-{Guid.NewGuid():N}@example.test";
        await fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, password);

        for (var attempt = 1; attempt < AuthenticationSetup.MaxFailedSignIns; attempt++)
        {
            await SignInPage.SignInAsync(page, email, "wrong-password");
            await Expect(page.GetByTestId("login-error")).ToHaveTextAsync("The e-mail or password is wrong.");
        }

        await SignInPage.SignInAsync(page, email, "wrong-password");
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("locked");

        // Locked means locked: even the right password is refused now.
        await SignInPage.SignInAsync(page, email, password);
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("locked");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
    }

    [Fact]
    public async Task Empty_form_shows_field_errors_next_to_the_fields()
    {
        await page.GotoAsync("/account/login");
        await page.GetByTestId("sign-in").ClickAsync();

        await Expect(page.Locator(".validation-message")).ToHaveTextAsync(["Enter your e-mail address.", "Enter your password."]);
    }

    [Fact]
    public async Task Customer_cannot_open_the_operator_area()
    {
        await SignInPage.SignInAsync(page, DemoAccounts.CustomerEmail, DemoAccounts.CustomerPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();

        await page.GotoAsync("/operations");

        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("operations-overview")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Only_operators_open_the_job_dashboard()
    {
        await SignInPage.SignInAsync(page, DemoAccounts.CustomerEmail, DemoAccounts.CustomerPassword);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        var refused = await context.APIRequest.GetAsync(PortalApp.JobsDashboardPath);
        Assert.Equal(403, refused.Status);

        await context.ClearCookiesAsync();
        await SignInPage.SignInAsync(page, DemoAccounts.OperatorEmail, DemoAccounts.OperatorPassword);
        await Expect(page.GetByTestId("nav-jobs")).ToBeVisibleAsync();
        var dashboard = await page.GotoAsync(PortalApp.JobsDashboardPath);
        Assert.Equal(200, dashboard!.Status);
        await Expect(page.Locator("body")).ToContainTextAsync("Portal jobs");
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        await SignInPage.SignInAsync(page, DemoAccounts.OperatorEmail, DemoAccounts.OperatorPassword);
        await Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();

        await page.GetByTestId("sign-out").ClickAsync();

        await Expect(page.GetByTestId("signed-out")).ToBeVisibleAsync();
        await page.GotoAsync("/operations");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
    }
}
