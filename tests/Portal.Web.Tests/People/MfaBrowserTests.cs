using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Web.Auth.Mfa;
using Portal.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.People;

/// <summary>In Chromium, operators required to use an authenticator: enrolment from the shown key, then a sign-in with a code.</summary>
public sealed class MfaBrowserTests(MfaFixture fixture) : IClassFixture<MfaFixture>, IAsyncLifetime
{
    private IBrowserContext context = null!;

    public async Task InitializeAsync() => context = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl);

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task An_operator_is_sent_to_enrolment_sets_up_the_app_from_the_shown_key_and_signs_in_with_its_code()
    {
        var email = $"mfa-chromium-{Guid.NewGuid():N}@example.test";
        await fixture.Portal.CreateUserAsync(PortalRoles.Operator, email, PeopleApi.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/operations/approvals");
        await SignInPage.SignInAsync(page, email, PeopleApi.Password);
        await Expect(page.GetByTestId("mfa-required")).ToBeVisibleAsync();

        // Nothing else opens first: the operations page sends the operator back to enrolment.
        await page.GotoAsync("/operations/approvals");
        await Expect(page.GetByTestId("mfa-required")).ToBeVisibleAsync();

        var key = (await page.GetByTestId("mfa-key").TextContentAsync())!;
        await Expect(page.GetByTestId("mfa-uri")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex(
            $"^otpauth://totp/Portal%3A.*\\?secret={key.Replace(" ", "")}&issuer=Portal"));
        var secret = Base32.Decode(key);
        var totp = new Totp(TimeProvider.System);
        var step = totp.CurrentStep;
        await page.GetByTestId("mfa-enrol-code").FillAsync("000000");
        await page.GetByTestId("mfa-enrol").ClickAsync();
        await Expect(page.GetByTestId("mfa-enrol-error")).ToBeVisibleAsync();
        await page.GetByTestId("mfa-enrol-code").FillAsync(Totp.CodeAt(secret, step));
        await page.GetByTestId("mfa-enrol").ClickAsync();
        await Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await page.GetByTestId("mfa-continue").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/operations/approvals$"));
        await SignInPage.WaitUntilInteractiveAsync(page);

        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page.GetByTestId("signed-out")).ToBeVisibleAsync();
        await SignInPage.SignInAsync(page, email, PeopleApi.Password);
        await page.GetByTestId("mfa-code").FillAsync(Totp.CodeAt(secret, Math.Max(totp.CurrentStep, step + 1)));
        await page.GetByTestId("mfa-verify").ClickAsync();
        await SignInPage.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();
        Assert.DoesNotContain("/account/", page.Url);
    }
}
