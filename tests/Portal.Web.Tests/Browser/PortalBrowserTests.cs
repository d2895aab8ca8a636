using Microsoft.Playwright;

namespace Portal.Web.Tests.Browser;

/// <summary>Browser tests on the shared portal: each test gets a fresh browser context (cookies, storage) and one page.</summary>
public abstract class PortalBrowserTests(PortalFixture fixture) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    protected PortalFixture Fixture { get; } = fixture;
    protected IBrowserContext Context { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Context = await Portal.Tests.Support.Browser.NewContextAsync(Fixture.Portal.BaseUrl);
        Page = await Context.NewPageAsync();
    }

    public async Task DisposeAsync() => await Context.DisposeAsync();

    /// <summary>An issued ACM certificate for <paramref name="domain"/> in the platform's account and region (the emulator's).</summary>
    protected Task<string> CertificateForAsync(string domain) =>
        Fixture.Emulator.SeedCertificateAsync(new Portal.AwsEmulator.CertificateManager.SeedCertificate { DomainName = domain });
}
