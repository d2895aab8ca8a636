using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.AwsEmulator;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Tests.Support;

/// <summary>
/// The portal and the AWS emulator wired together on a fresh database: the emulator knows the shared listener the
/// portal's (Development) platform settings name, and the portal's jobs poll quickly.
/// </summary>
public sealed class ProvisioningWorld : IAsyncDisposable
{
    public static readonly IReadOnlyDictionary<string, string?> FastJobs = new Dictionary<string, string?>
    {
        ["Jobs:QueuePollInterval"] = "00:00:00.200",
        ["Jobs:SchedulePollingInterval"] = "00:00:00.200",
        ["Provisioning:MinCheckInterval"] = "00:00:00.200",
        ["Provisioning:MaxCheckInterval"] = "00:00:01",
        ["Provisioning:ReconcileInterval"] = "00:00:01",
        ["Provisioning:OverdueAfter"] = "00:00:03",
    };

    private ProvisioningWorld(EmulatorHost emulator, PortalHost portal, string connectionString)
    {
        Emulator = emulator;
        Portal = portal;
        ConnectionString = connectionString;
    }

    public EmulatorHost Emulator { get; }
    public PortalHost Portal { get; }
    public string ConnectionString { get; }

    public static async Task<ProvisioningWorld> StartAsync(IReadOnlyDictionary<string, string?>? portalSettings = null, IReadOnlyDictionary<string, string?>? emulatorSettings = null)
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("prov");
        var emulator = await EmulatorHost.StartAsync(emulatorSettings);
        var settings = new Dictionary<string, string?>(FastJobs) { ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString() };
        foreach (var (key, value) in portalSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        var portal = await PortalHost.StartAsync(connectionString, settings);
        await emulator.SeedListenerAsync(new SeedListener { ListenerArn = portal.Services.GetRequiredService<PlatformSettings>().SharedListenerArn });
        return new ProvisioningWorld(emulator, portal, connectionString);
    }

    /// <summary>A customer with an Ordered host of the given environments, as the order form saves it.</summary>
    public Task<Host> OrderAsync(string hostName, params EnvironmentKind[] environments) =>
        OrderAsync(hostName, environments, configure: null);

    public Task<Host> OrderAsync(string hostName, EnvironmentKind[] environments, Action<Host>? configure, string? customerSlug = null) =>
        Portal.WithScopeAsync(services => TestOrders.PlaceAsync(services.GetRequiredService<PortalDbContext>(), hostName, environments, configure, customerSlug));

    /// <summary>The host with its environments, fresh from the database.</summary>
    public Task<Host> HostAsync(Guid hostId) => Portal.WithScopeAsync(services =>
        services.GetRequiredService<PortalDbContext>().Hosts.AsNoTracking().Include(h => h.Environments).SingleAsync(h => h.Id == hostId));

    public Task<Host> WaitForAsync(Guid hostId, HostState state, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => HostAsync(hostId), h => h.State == state, timeout ?? TimeSpan.FromSeconds(60),
            $"host {hostId} to be {state}", Describe);

    public static string Describe(Host host) =>
        $"{host.State} ({host.StateReason}); " + string.Join(", ", host.Environments.Select(e => $"{e.Kind} {e.State} {e.StateReason} (operation {e.Operation}, next check {e.NextCheckAt:HH:mm:ss.fff})"));

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
