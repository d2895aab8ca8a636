using Portal.Tests.Support;

namespace Portal.Web.Tests;

/// <summary>One running portal with a clean database per test class.</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public PortalHost Portal { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("web");
        Portal = await PortalHost.StartAsync(connectionString);
    }

    public async Task DisposeAsync() => await Portal.DisposeAsync();
}
