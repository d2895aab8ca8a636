using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Releases.Starting;
using Portal.Tests.Support;

namespace Portal.Web.Tests.Webhooks;

/// <summary>A portal whose rate limit stays out of the way; the release starters are off so accepted releases stay as recorded.</summary>
public sealed class WebhookPortalFixture : IAsyncLifetime
{
    public PortalHost Portal { get; private set; } = null!;

    public static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("webhook");
        Portal = await PortalHost.StartAsync(connectionString, new Dictionary<string, string?>
        {
            ["Webhooks:RateLimitBurst"] = "100000",
            ["Webhooks:RateLimitPerSecond"] = "100000",
            ["Webhooks:RefusedRateLimitBurst"] = "100000",
            ["Webhooks:RefusedRateLimitPerSecond"] = "100000",
            ["Releases:StartWorkers"] = "0",
            ["Webhooks:SigningKey"] = SigningKey,
        });
    }

    public async Task DisposeAsync() => await Portal.DisposeAsync();

    public Task<List<PushDelivery>> DeliveriesAsync(Guid hostId) => Portal.WithScopeAsync(services =>
        services.GetRequiredService<PortalDbContext>().PushDeliveries.AsNoTracking().Where(d => d.HostId == hostId).ToListAsync());

    /// <summary>The host's releases, after making those of accepted pushes (the release starters, which do that, are off).</summary>
    public Task<List<Release>> ReleasesAsync(TestHost host) => Portal.WithScopeAsync(async services =>
    {
        while (await MakeReleasesAsync(services, 100) > 0) { }
        var environments = host.Environments.Values.ToList();
        return await services.GetRequiredService<PortalDbContext>().Releases.AsNoTracking()
            .Where(r => environments.Contains(r.HostEnvironmentId)).ToListAsync();
    });

    /// <summary>What a release starter does before it starts: makes the releases of up to <paramref name="max"/> accepted pushes.</summary>
    public static async Task<int> MakeReleasesAsync(IServiceProvider services, int max)
    {
        var db = services.GetRequiredService<PortalDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var made = await services.GetRequiredService<ReleaseQueue>().TakeAsync(db, max, CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return made.Count;
    }

    /// <summary>What a release starter does at every poll: accepts the held pushes whose environment is Active now.</summary>
    public Task<int> ReleaseHeldAsync() =>
        Portal.WithScopeAsync(services => services.GetRequiredService<ReleaseQueue>().ReleaseHeldAsync(CancellationToken.None));

    /// <summary>Sets the state of every environment of the host (and the host's), as the provisioning jobs would.</summary>
    public Task<int> SetStateAsync(Guid hostId, HostState hostState, EnvironmentState environmentState) => Portal.WithScopeAsync(async services =>
    {
        var db = services.GetRequiredService<PortalDbContext>();
        await db.Hosts.Where(h => h.Id == hostId).ExecuteUpdateAsync(set => set.SetProperty(h => h.State, hostState));
        return await db.HostEnvironments.Where(e => e.HostId == hostId).ExecuteUpdateAsync(set => set.SetProperty(e => e.State, environmentState));
    });

    public Task<List<AuditEntry>> AuditAsync(Guid hostId) => Portal.WithScopeAsync(services =>
        services.GetRequiredService<PortalDbContext>().AuditEntries.AsNoTracking().Where(a => a.HostId == hostId).ToListAsync());

    public static long NewProjectId() => Random.Shared.Next(100_000, int.MaxValue);
}
