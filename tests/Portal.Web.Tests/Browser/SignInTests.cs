using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Tests.Support;
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
    public async Task Wrong_password_shows_an_error_and_the_fifth_locks_the_account()
    {
        const string password = "Correct#Horse1";
        var email = $"lock-{Guid.NewGuid():N}@example.test";
        await Fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, password);

        for (var attempt = 1; attempt < AuthenticationSetup.MaxFailedSignIns; attempt++)
        {
            await SignInPage.SignInAsync(Page, email, "wrong-password");
            await Expect(Page.GetByTestId("login-error")).ToHaveTextAsync("The e-mail or password is wrong.");
        }

        await SignInPage.SignInAsync(Page, email, "wrong-password");
        await Expect(Page.GetByTestId("login-error")).ToContainTextAsync("locked");

        // Locked means locked: even the right password is refused now.
        await SignInPage.SignInAsync(Page, email, password);
        await Expect(Page.GetByTestId("login-error")).ToContainTextAsync("locked");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
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
        var refused = await Context.APIRequest.GetAsync(PortalApp.JobsDashboardPath);
        Assert.Equal(403, refused.Status);

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
