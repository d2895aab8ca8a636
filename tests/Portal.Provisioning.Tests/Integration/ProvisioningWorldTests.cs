using Portal.Data.Audit;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>Tests that each start a world of their own and act in it as a customer or an operator.</summary>
public abstract class ProvisioningWorldTests : IAsyncLifetime
{
    protected static readonly Actor Customer = new(null, "customer@example.test");
    protected static readonly Actor Operator = new(null, "operator@example.test");

    protected ProvisioningWorld World { get; private set; } = null!;

    public async Task InitializeAsync() => World = await ProvisioningWorld.StartAsync();

    public async Task DisposeAsync() => await World.DisposeAsync();
}
