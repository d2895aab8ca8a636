using Portal.Data.Entities;
using Portal.Web.Auth.Mfa;
using Portal.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.People;

/// <summary>In Chromium, operators required to use an authenticator: enrolment from the shown key, then a sign-in with a code.</summary>
public sealed class MfaBrowserTests(MfaFixture fixture) : PortalBrowserTests<MfaFixture>(fixture)
{
    [Fact]
    public async Task An_operator_is_sent_to_enrolment_sets_up_the_app_from_the_shown_key_and_signs_in_with_its_code()
    {
        var email = $"mfa-chromium-{Guid.NewGuid():N}@example.test";
        await Fixture.Portal.CreateUserAsync(PortalRoles.Operator, email, PeopleApi.Password);
        await Page.GotoAsync("/operations/approvals");
        await SignInPage.SignInAsync(Page, email, PeopleApi.Password);
        await Expect(Page.GetByTestId("mfa-required")).ToBeVisibleAsync();

        // Nothing else opens first: the operations page sends the operator back to enrolment.
        await Page.GotoAsync("/operations/approvals");
        await Expect(Page.GetByTestId("mfa-required")).ToBeVisibleAsync();

        var key = (await Page.GetByTestId("mfa-key").TextContentAsync())!;
        await Expect(Page.GetByTestId("mfa-uri")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex(
            $"^otpauth://totp/Portal%3A.*\\?secret={key.Replace(" ", "")}&issuer=Portal"));
        var secret = Base32.Decode(key);
        var totp = new Totp(TimeProvider.System);
        var step = totp.CurrentStep;
        await Page.GetByTestId("mfa-enrol-code").FillAsync("000000");
        await Page.GetByTestId("mfa-enrol").ClickAsync();
        await Expect(Page.GetByTestId("mfa-enrol-error")).ToBeVisibleAsync();
        await Page.GetByTestId("mfa-enrol-code").FillAsync(Totp.CodeAt(secret, step));
        await Page.GetByTestId("mfa-enrol").ClickAsync();
        await Expect(Page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await Page.GetByTestId("mfa-continue").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/operations/approvals$"));
        await SignInPage.WaitUntilInteractiveAsync(Page);

        await Page.GetByTestId("sign-out").ClickAsync();
        await Expect(Page.GetByTestId("signed-out")).ToBeVisibleAsync();
        await SignInPage.SignInAsync(Page, email, PeopleApi.Password);
        await Page.GetByTestId("mfa-code").FillAsync(Totp.CodeAt(secret, Math.Max(totp.CurrentStep, step + 1)));
        await Page.GetByTestId("mfa-verify").ClickAsync();
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("sign-out")).ToBeVisibleAsync();
        Assert.DoesNotContain("/account/", Page.Url);
    }
}
