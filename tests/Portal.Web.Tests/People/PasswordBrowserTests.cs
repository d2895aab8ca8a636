using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.People;

/// <summary>In Chromium: "forgot your password", the e-mailed link (a real SMTP server), a new password, and signing in with it.</summary>
public sealed class PasswordBrowserTests(PeopleFixture fixture) : PortalBrowserTests<PeopleFixture>(fixture)
{
    [Fact]
    public async Task A_person_resets_a_forgotten_password_through_the_e_mailed_link()
    {
        var email = $"reset-chromium-{Guid.NewGuid():N}@example.test";
        await Fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, PeopleApi.Password);
        await Page.GotoAsync("/account/login");
        await Page.GetByTestId("forgot-password").ClickAsync();
        await Page.GetByTestId("reset-email").FillAsync("not an address");
        await Page.GetByTestId("reset-request").ClickAsync();
        await Expect(Page.Locator(".validation-message")).ToHaveTextAsync("Enter a valid e-mail address.");
        await Page.GetByTestId("reset-email").FillAsync(email);
        await Page.GetByTestId("reset-request").ClickAsync();
        await Expect(Page.GetByTestId("reset-requested")).ToBeVisibleAsync();

        var link = (await Fixture.Mail.WaitForAsync(email, "Reset your Portal password")).LinkTo("/account/password/reset");
        await Page.GotoAsync(link);
        await Page.GetByTestId("reset-password").FillAsync("New#Password42");
        await Page.GetByTestId("reset-confirm").FillAsync("New#Password43");
        await Page.GetByTestId("reset-submit").ClickAsync();
        await Expect(Page.Locator(".validation-message")).ToHaveTextAsync("The two passwords differ.");
        await Page.GetByTestId("reset-password").FillAsync("New#Password42");
        await Page.GetByTestId("reset-confirm").FillAsync("New#Password42");
        await Page.GetByTestId("reset-submit").ClickAsync();
        await Expect(Page.GetByTestId("password-reset-done")).ToBeVisibleAsync();

        await SignInPage.SignInAsync(Page, email, "New#Password42");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        await Page.GotoAsync(link);
        await Expect(Page.GetByTestId("reset-unusable")).ToBeVisibleAsync();
    }
}
