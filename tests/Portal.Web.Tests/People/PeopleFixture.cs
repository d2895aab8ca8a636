using Portal.Tests.Support;

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
public sealed class SsoFixture : PeopleFixture
{
    public OidcProvider Provider { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> MoreSettings => Provider.PortalSettings;

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
