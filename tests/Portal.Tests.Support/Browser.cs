using Microsoft.Playwright;

namespace Portal.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (which cannot download its own browsers here).
/// One browser per test process; each test gets a fresh context (cookies, storage).
/// </summary>
public static class Browser
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? playwright;
    private static IBrowser? browser;

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<IBrowserContext> NewContextAsync(Uri baseUrl)
    {
        var shared = await SharedAsync();
        var context = await shared.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString(), Locale = "en-US" });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    private static async Task<IBrowser> SharedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (browser is not null) return browser;
            if (!File.Exists(ExecutablePath))
                throw new InvalidOperationException($"Chromium not found at {ExecutablePath}. Install Debian's chromium (apt-get install chromium) or set PORTAL_CHROMIUM.");
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // This machine has no network beyond loopback: keep Chromium from reaching out.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
            });
            AppDomain.CurrentDomain.ProcessExit += (_, _) => playwright.Dispose();
            return browser;
        }
        finally
        {
            Gate.Release();
        }
    }
}
