using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

/// <summary>What a person does on the sign-in page.</summary>
internal static class SignInPage
{
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        if (!page.Url.Contains("/account/login")) await page.GotoAsync("/account/login");
        await page.GetByTestId("email").FillAsync(email);
        await page.GetByTestId("password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
    }

    /// <summary>Signs in as a new customer user (of a new customer of its own) and waits on its hosts page until it is interactive.</summary>
    public static async Task<PortalUser> SignInAsNewCustomerAsync(IPage page, PortalHost portal, string password)
    {
        var user = await portal.CreateUserAsync(PortalRoles.Customer, $"{Guid.NewGuid():N}@example.test", password);
        await SignInAsync(page, user.Email!, password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        await WaitUntilInteractiveAsync(page);
        return user;
    }

    /// <summary>Interactive pages ignore clicks until their circuit is connected; wait for it.</summary>
    public static Task WaitUntilInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync();
}
