using Portal.Tests.Support;

namespace Portal.Web.Tests;

/// <summary>One running portal with a clean database per test class, provisioning against its own AWS emulator.</summary>
public sealed class PortalFixture : IAsyncLifetime, IPortalFixture
{
    private readonly IReadOnlyDictionary<string, string?>? settings;
    private ProvisioningWorld world = null!;

    public PortalFixture() { }

    /// <summary>A portal with extra configuration (xUnit builds fixtures with the public constructor only).</summary>
    internal PortalFixture(IReadOnlyDictionary<string, string?> settings) => this.settings = settings;

    public PortalHost Portal => world.Portal;
    public EmulatorHost Emulator => world.Emulator;
    public ProvisioningWorld World => world;

    public async Task InitializeAsync() => world = await ProvisioningWorld.StartAsync(settings);

    public async Task DisposeAsync() => await world.DisposeAsync();
}
