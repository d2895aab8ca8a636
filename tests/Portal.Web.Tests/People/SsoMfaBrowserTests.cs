using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Web.Auth.Mfa;
using Portal.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.People;

/// <summary>
/// In Chromium, single sign-on does not skip the portal's second factor: an operator signed in through the OpenID provider
/// must enrol an authenticator first, and from then on every sign-in through the provider asks for its code.
/// </summary>
public sealed class SsoMfaBrowserTests(SsoMfaFixture fixture) : IClassFixture<SsoMfaFixture>
{
    [Fact]
    public async Task An_operator_signing_in_through_the_provider_enrols_an_authenticator_and_then_needs_its_code_every_time()
    {
        var email = $"sso-mfa-{Guid.NewGuid():N}@example.test";
        await fixture.Portal.CreateUserAsync(PortalRoles.Operator, email, PeopleApi.Password);
        await using var context = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl);
        var page = await context.NewPageAsync();

        await SignInThroughProviderAsync(page, email);
        await Expect(page.GetByTestId("mfa-required")).ToBeVisibleAsync();
        await page.GotoAsync("/operations/approvals");
        await Expect(page.GetByTestId("mfa-required")).ToBeVisibleAsync();

        var secret = Base32.Decode((await page.GetByTestId("mfa-key").TextContentAsync())!);
        var totp = new Totp(TimeProvider.System);
        var step = totp.CurrentStep;
        await page.GetByTestId("mfa-enrol-code").FillAsync(Totp.CodeAt(secret, step));
        await page.GetByTestId("mfa-enrol").ClickAsync();
        await Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await page.GetByTestId("mfa-continue").ClickAsync();
        await SignInPage.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();

        // The provider's sign-in alone is not enough any more: the portal asks for the authenticator's code, and nothing
        // opens without it. (A fresh browser each time: the provider would otherwise remember its own session.)
        await using (var second = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl))
        {
            var halfway = await second.NewPageAsync();
            await SignInThroughProviderAsync(halfway, email);
            await Expect(halfway.GetByTestId("mfa-code")).ToBeVisibleAsync();
            await halfway.GotoAsync("/operations/approvals");
            await Expect(halfway).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
        }

        await using var third = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl);
        var again = await third.NewPageAsync();
        await SignInThroughProviderAsync(again, email);
        await again.GetByTestId("mfa-code").FillAsync(Totp.CodeAt(secret, step + 5));
        await again.GetByTestId("mfa-verify").ClickAsync();
        await Expect(again.GetByTestId("mfa-code-error")).ToBeVisibleAsync();
        await again.GetByTestId("mfa-code").FillAsync(Totp.CodeAt(secret, Math.Max(totp.CurrentStep, step + 1)));
        await again.GetByTestId("mfa-verify").ClickAsync();
        await SignInPage.WaitUntilInteractiveAsync(again);
        await again.GotoAsync("/operations/approvals");
        await Expect(again.GetByRole(AriaRole.Heading, new() { Name = "Pending approvals" })).ToBeVisibleAsync();
        await Expect(again.GetByTestId("sign-out")).ToBeVisibleAsync();
    }

    private async Task SignInThroughProviderAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/login");
        await page.GetByTestId("sso-sign-in").ClickAsync();
        await fixture.SignInAtProviderAsync(page, email);
    }
}
