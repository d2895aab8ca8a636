using Microsoft.Playwright;
using Portal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.People;

/// <summary>The portal on a fresh database with a real SMTP server it sends to, and open pages re-checking their session every second.</summary>
public class PeopleFixture : IAsyncLifetime, IPortalFixture
{
    private ProvisioningWorld world = null!;

    public SmtpPeer Mail { get; private set; } = null!;
    public PortalHost Portal => world.Portal;
    public ProvisioningWorld World => world;

    public virtual async Task InitializeAsync()
    {
        Mail = await SmtpPeer.StartAsync();
        var settings = new Dictionary<string, string?>(Mail.PortalSettings)
        {
            ["Portal:Accounts:SessionRevalidationInterval"] = "00:00:01",
            ["Portal:Accounts:SignInAttemptsPerAddressPerMinute"] = "1000",
        };
        foreach (var (key, value) in MoreSettings) settings[key] = value;
        world = await ProvisioningWorld.StartAsync(settings);
    }

    protected virtual IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    public virtual async Task DisposeAsync()
    {
        await world.DisposeAsync();
        await Mail.DisposeAsync();
    }
}

/// <summary>The people fixture as production runs it: operators must use an authenticator.</summary>
public sealed class MfaFixture : PeopleFixture
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Portal:Accounts:RequireMfaForOperators"] = "true",
    };
}

/// <summary>The people fixture with single sign-on through a real OpenID provider (npm oidc-provider) started first.</summary>
public class SsoFixture : PeopleFixture
{
    public OidcProvider Provider { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> MoreSettings => Provider.PortalSettings;

    /// <summary>oidc-provider's development sign-in form (any login name), then its consent page when it asks.</summary>
    public async Task SignInAtProviderAsync(IPage page, string login)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(Provider.Issuer.ToString())));
        await page.Locator("input[name=login]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync("any");
        await page.Locator("button[type=submit]").ClickAsync();
        var consent = page.GetByRole(AriaRole.Button, new() { Name = "Continue" });
        var back = page.WaitForURLAsync(url => url.StartsWith(Portal.BaseUrl.ToString(), StringComparison.Ordinal));
        if (await Task.WhenAny(back, consent.WaitForAsync()) != back) await consent.ClickAsync();
        try
        {
            await back;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Still at {page.Url}: {await page.Locator("body").InnerTextAsync()}", e);
        }
    }

    public override async Task InitializeAsync()
    {
        Provider = await OidcProvider.StartAsync();
        await base.InitializeAsync();
        await Provider.RegisterPortalAsync(Portal.BaseUrl);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>Single sign-on as production runs it: operators must use an authenticator too.</summary>
public sealed class SsoMfaFixture : SsoFixture
{
    protected override IReadOnlyDictionary<string, string?> MoreSettings =>
        new Dictionary<string, string?>(base.MoreSettings) { ["Portal:Accounts:RequireMfaForOperators"] = "true" };
}
