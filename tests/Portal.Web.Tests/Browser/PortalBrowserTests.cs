using Microsoft.Playwright;

namespace Portal.Web.Tests.Browser;

/// <summary>
/// Browser tests on a fixture's portal: each test gets a fresh browser context (cookies, storage) and one page, and may
/// open browsers of its own for other people; all of them close after the test.
/// </summary>
public abstract class PortalBrowserTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : class, IPortalFixture
{
    private readonly List<IBrowserContext> contexts = [];

    protected TFixture Fixture { get; } = fixture;
    protected IBrowserContext Context { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Context = await NewContextAsync();
        Page = await Context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var context in contexts) await context.DisposeAsync();
    }

    /// <summary>A page in a browser context of its own: nobody is signed in there yet.</summary>
    protected async Task<IPage> NewPageAsync() => await (await NewContextAsync()).NewPageAsync();

    /// <summary>A page in a browser context of its own, after signing in there (not waiting for where it lands).</summary>
    protected async Task<IPage> SignedInPageAsync(string email, string password)
    {
        var page = await NewPageAsync();
        await SignInPage.SignInAsync(page, email, password);
        return page;
    }

    private async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Portal.Tests.Support.Browser.NewContextAsync(Fixture.Portal.BaseUrl);
        contexts.Add(context);
        return context;
    }
}

/// <summary>Browser tests on the shared portal fixture (<see cref="PortalFixture"/>).</summary>
public abstract class PortalBrowserTests(PortalFixture fixture) : PortalBrowserTests<PortalFixture>(fixture)
{
    /// <summary>An issued ACM certificate for <paramref name="domain"/> in the platform's account and region (the emulator's).</summary>
    protected Task<string> CertificateForAsync(string domain) =>
        Fixture.Emulator.SeedCertificateAsync(new Portal.AwsEmulator.CertificateManager.SeedCertificate { DomainName = domain });
}
