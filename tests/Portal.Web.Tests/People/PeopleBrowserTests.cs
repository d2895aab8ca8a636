using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.People;

/// <summary>In Chromium: the invitation e-mail's link, and an open page that follows a sign-out made in another tab.</summary>
public sealed class PeopleBrowserTests(PeopleFixture fixture) : PortalBrowserTests<PeopleFixture>(fixture)
{
    [Fact]
    public async Task An_invited_customer_admin_follows_the_e_mailed_link_sets_a_password_and_lands_signed_in()
    {
        var people = new PeopleApi(Fixture);
        var (_, operatorApi) = await people.OperatorAsync();
        var customerId = await people.CreateCustomerAsync(operatorApi);
        var email = $"chromium-{Guid.NewGuid():N}@example.test";
        await PeopleApi.InviteAsync(operatorApi, customerId, email, "CustomerAdmin");
        var link = (await Fixture.Mail.WaitForAsync(email, "invited")).LinkTo("/account/invitation");

        await Page.GotoAsync(link);
        await Expect(Page.GetByTestId("invitation-for")).ToContainTextAsync(email);
        await Page.GetByTestId("display-name").FillAsync("Ada Admin");
        await Page.GetByTestId("new-password").FillAsync(PeopleApi.Password);
        await Page.GetByTestId("confirm-password").FillAsync("a different one");
        await Page.GetByTestId("accept-invitation").ClickAsync();
        await Expect(Page.Locator(".validation-message")).ToHaveTextAsync("The two passwords differ.");

        await Page.GetByTestId("new-password").FillAsync(PeopleApi.Password);
        await Page.GetByTestId("confirm-password").FillAsync(PeopleApi.Password);
        await Page.GetByTestId("accept-invitation").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();

        var second = await Context.NewPageAsync();
        await second.GotoAsync(link);
        await Expect(second.GetByTestId("invitation-unusable")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Signing_out_in_one_tab_signs_out_the_open_page_in_another()
    {
        var user = await Fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"tabs-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        var first = Page;
        await SignInPage.SignInAsync(first, user.Email!, PeopleApi.Password);
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        var second = await Context.NewPageAsync();
        await second.GotoAsync("/account/tokens");
        await SignInPage.WaitUntilInteractiveAsync(second);

        await first.GetByTestId("sign-out").ClickAsync();
        await Expect(first.GetByTestId("signed-out")).ToBeVisibleAsync();

        // The other tab's circuit re-checks its session every second (Portal:Accounts:SessionRevalidationInterval) and leaves.
        await Expect(second).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"), new() { Timeout = 15_000 });
    }
}
