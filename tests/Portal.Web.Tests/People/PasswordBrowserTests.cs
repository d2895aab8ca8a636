using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.People;

/// <summary>In Chromium: "forgot your password", the e-mailed link (a real SMTP server), a new password, and signing in with it.</summary>
public sealed class PasswordBrowserTests(PeopleFixture fixture) : IClassFixture<PeopleFixture>, IAsyncLifetime
{
    private IBrowserContext context = null!;

    public async Task InitializeAsync() => context = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl);

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task A_person_resets_a_forgotten_password_through_the_e_mailed_link()
    {
        var email = $"reset-chromium-{Guid.NewGuid():N}@example.test";
        await fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, PeopleApi.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByTestId("forgot-password").ClickAsync();
        await page.GetByTestId("reset-email").FillAsync("not an address");
        await page.GetByTestId("reset-request").ClickAsync();
        await Expect(page.Locator(".validation-message")).ToHaveTextAsync("Enter a valid e-mail address.");
        await page.GetByTestId("reset-email").FillAsync(email);
        await page.GetByTestId("reset-request").ClickAsync();
        await Expect(page.GetByTestId("reset-requested")).ToBeVisibleAsync();

        var link = (await fixture.Mail.WaitForAsync(email, "Reset your Portal password")).LinkTo("/account/password/reset");
        await page.GotoAsync(link);
        await page.GetByTestId("reset-password").FillAsync("New#Password42");
        await page.GetByTestId("reset-confirm").FillAsync("New#Password43");
        await page.GetByTestId("reset-submit").ClickAsync();
        await Expect(page.Locator(".validation-message")).ToHaveTextAsync("The two passwords differ.");
        await page.GetByTestId("reset-password").FillAsync("New#Password42");
        await page.GetByTestId("reset-confirm").FillAsync("New#Password42");
        await page.GetByTestId("reset-submit").ClickAsync();
        await Expect(page.GetByTestId("password-reset-done")).ToBeVisibleAsync();

        await SignInPage.SignInAsync(page, email, "New#Password42");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        await page.GotoAsync(link);
        await Expect(page.GetByTestId("reset-unusable")).ToBeVisibleAsync();
    }
}
