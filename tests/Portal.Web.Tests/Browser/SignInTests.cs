using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Web.Auth;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

public sealed class SignInTests(PortalFixture fixture) : PortalBrowserTests(fixture)
{
    [Fact]
    public async Task Demo_customer_signs_in_and_sees_my_hosts_but_not_operations()
    {
        await Page.GotoAsync("/");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));

        await SignInPage.SignInAsync(Page, DemoAccounts.CustomerEmail, DemoAccounts.CustomerPassword);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-my-hosts")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-operations")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("signed-in-as")).ToContainTextAsync("Dana Demo");
    }

    [Fact]
    public async Task Demo_operator_signs_in_and_sees_operations()
    {
        await SignInPage.SignInAsync(Page, DemoAccounts.OperatorEmail, DemoAccounts.OperatorPassword);

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Operations" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-operations")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-my-hosts")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Wrong_passwords_show_an_error_then_a_wait_never_a_lock()
    {
        const string password = "Correct#Horse1";
        var email = $"lock-{Guid.NewGuid():N}@example.test";
        await Fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, password);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await SignInPage.SignInAsync(Page, email, "wrong-password");
            await Expect(Page.GetByTestId("login-error")).ToHaveTextAsync(PasswordSignIn.WrongCredentials);
        }

        // The fourth failure in a row makes the e-mail wait a moment (doubling, at most Portal:Accounts:MaxSignInDelay).
        await SignInPage.SignInAsync(Page, email, "wrong-password");
        await SignInPage.SignInAsync(Page, email, password);
        await Expect(Page.GetByTestId("login-error")).ToContainTextAsync("Try again in");
        await Expect(Page.GetByTestId("login-error")).Not.ToContainTextAsync("locked");
    }

    [Fact]
    public async Task Empty_form_shows_field_errors_next_to_the_fields()
    {
        await Page.GotoAsync("/account/login");
        await Page.GetByTestId("sign-in").ClickAsync();

        await Expect(Page.Locator(".validation-message")).ToHaveTextAsync(["Enter your e-mail address.", "Enter your password."]);
    }

    [Fact]
    public async Task Customer_cannot_open_the_operator_area()
    {
        await SignInPage.SignInAsync(Page, DemoAccounts.CustomerEmail, DemoAccounts.CustomerPassword);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();

        await Page.GotoAsync("/operations");

        await Expect(Page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("operations-overview")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Only_operators_open_the_job_dashboard()
    {
        await SignInPage.SignInAsync(Page, DemoAccounts.CustomerEmail, DemoAccounts.CustomerPassword);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        // A customer gets the portal's own access-denied page, not the dashboard's bare 403.
        await Page.GotoAsync(PortalApp.JobsDashboardPath);
        await Expect(Page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(Page.Locator("body")).Not.ToContainTextAsync("Portal jobs");

        await Context.ClearCookiesAsync();
        await SignInPage.SignInAsync(Page, DemoAccounts.OperatorEmail, DemoAccounts.OperatorPassword);
        await Expect(Page.GetByTestId("nav-jobs")).ToBeVisibleAsync();
        var dashboard = await Page.GotoAsync(PortalApp.JobsDashboardPath);
        Assert.Equal(200, dashboard!.Status);
        await Expect(Page.Locator("body")).ToContainTextAsync("Portal jobs");
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        await SignInPage.SignInAsync(Page, DemoAccounts.OperatorEmail, DemoAccounts.OperatorPassword);
        await Expect(Page.GetByTestId("sign-out")).ToBeVisibleAsync();

        await Page.GetByTestId("sign-out").ClickAsync();

        await Expect(Page.GetByTestId("signed-out")).ToBeVisibleAsync();
        await Page.GotoAsync("/operations");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
    }
}
