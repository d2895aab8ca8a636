using Microsoft.Playwright;

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

    /// <summary>Interactive pages ignore clicks until their circuit is connected; wait for it.</summary>
    public static Task WaitUntilInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync();
}
