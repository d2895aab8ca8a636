using Portal.Tests.Support;

namespace Portal.Web.Tests;

/// <summary>One running portal with a clean database per test class.</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?>? settings;

    public PortalFixture() { }

    /// <summary>A portal with extra configuration (xUnit builds fixtures with the public constructor only).</summary>
    internal PortalFixture(IReadOnlyDictionary<string, string?> settings) => this.settings = settings;

    public PortalHost Portal { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("web");
        Portal = await PortalHost.StartAsync(connectionString, settings);
    }

    public async Task DisposeAsync() => await Portal.DisposeAsync();
}
