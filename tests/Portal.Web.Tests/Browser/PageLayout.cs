using Microsoft.Playwright;

namespace Portal.Web.Tests.Browser;

/// <summary>The two widths pages must work at, and what "fits" means there: measured in the browser, not looked at.</summary>
internal static class PageLayout
{
    public const int LaptopWidth = 1366;
    public const int PhoneWidth = 390;

    public static readonly (int Width, int Height)[] Widths = [(LaptopWidth, 768), (PhoneWidth, 844)];

    /// <summary>
    /// Every visible element that sticks out of the card (MudPaper) it is in, and the page itself when it is wider than the
    /// window (a sideways scroll bar). Empty when everything fits. The clipping ancestor of a clipped element is itself
    /// measured, so a box that hides what overflows it must still fit its card.
    /// </summary>
    public static async Task<IReadOnlyList<string>> OverflowsAsync(IPage page) =>
        await page.EvaluateAsync<string[]>("""
            () => {
                const found = [];
                const root = document.documentElement;
                if (root.scrollWidth > window.innerWidth + 1) found.push(`the page is ${root.scrollWidth} px wide in a ${window.innerWidth} px window`);
                for (const card of document.querySelectorAll('.mud-main-content .mud-paper')) {
                    const box = card.getBoundingClientRect();
                    if (box.width === 0) continue;
                    if (box.right > window.innerWidth + 1) found.push(`card ${card.dataset.testid ?? card.className} ends at ${box.right} past the window`);
                    // What an ancestor clips (overflow hidden or clip, e.g. a progress bar's moving stripe) is not seen; a
                    // scrolling ancestor still counts, since the reader must scroll sideways.
                    const clipped = element => {
                        for (let parent = element.parentElement; parent && parent !== card; parent = parent.parentElement) {
                            const overflow = getComputedStyle(parent).overflowX;
                            if (overflow === 'hidden' || overflow === 'clip') return true;
                        }
                        return false;
                    };
                    for (const element of card.querySelectorAll('*')) {
                        const r = element.getBoundingClientRect();
                        if (r.width === 0 || r.height === 0 || clipped(element)) continue;
                        if (r.right > box.right + 1 || r.left < box.left - 1)
                            found.push(`${element.tagName.toLowerCase()}.${element.className} "${(element.textContent ?? '').trim().slice(0, 40)}" `
                                + `spans ${Math.round(r.left)}–${Math.round(r.right)} in card ${card.dataset.testid ?? ''} ${Math.round(box.left)}–${Math.round(box.right)}`);
                    }
                }
                return found.slice(0, 12);
            }
            """);

    /// <summary>Whether the element is entirely inside the window as first shown (no scrolling).</summary>
    public static async Task<bool> InFirstScreenAsync(IPage page, ILocator element)
    {
        var box = await element.BoundingBoxAsync();
        var viewport = page.ViewportSize!;
        return box is not null && box.Y >= 0 && box.Y + box.Height <= viewport.Height && box.X >= 0 && box.X + box.Width <= viewport.Width;
    }

    /// <summary>A full-page screenshot under docs/screenshots/ (committed with the change, named in the notes).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(Portal.Tests.Support.RepoPaths.Root, "docs", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }
}
