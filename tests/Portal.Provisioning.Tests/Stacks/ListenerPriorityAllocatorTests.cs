using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Provisioning.Stacks;
using Portal.Provisioning.Templates;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Stacks;

/// <summary>
/// The allocator straight on real Postgres, many at once, each on its own connection as job workers are, in two
/// processes (two allocators): each places its callers in batches, and the two take turns on the database's lock.
/// </summary>
public sealed class ListenerPriorityAllocatorTests
{
    private static readonly PlatformSettings Platform = new()
    {
        SharedListenerArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/shared/0de0000000000001/0de0000000000443",
    };

    [Fact]
    public async Task Racing_allocations_get_distinct_lowest_priorities_around_rules_made_outside_the_portal()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("alloc");
        await using (var setup = TestOrders.Database(connectionString)) await setup.Database.MigrateAsync();
        var environments = new List<Guid>();
        await using (var setup = TestOrders.Database(connectionString))
            for (var i = 0; i < 40; i++)
                environments.Add((await TestOrders.PlaceAsync(setup, $"site{i}", [EnvironmentKind.Dev], customerSlug: "racers")).Environments.Single().Id);
        var loadBalancer = new ListenerRulePriorities(new ListenerRulesAt(2, 5), new ProvisioningOptions(), TimeProvider.System);
        ListenerPriorityAllocator[] processes = [Allocator(loadBalancer, connectionString), Allocator(loadBalancer, connectionString)];

        var allocated = await Task.WhenAll(environments.Select((id, i) => Task.Run(async () =>
        {
            await using var db = TestOrders.Database(connectionString);
            var environment = await db.HostEnvironments.Include(e => e.Host).SingleAsync(e => e.Id == id);
            var priority = await processes[i % 2].EnsureAsync(db, environment, CancellationToken.None);
            await db.SaveChangesAsync();
            return priority;
        })));

        var expected = Enumerable.Range(HostStackRenderer.MinListenerPriority, 42).Where(p => p is not 2 and not 5);
        Assert.Equal(expected, allocated.Order());
        await using var check = TestOrders.Database(connectionString);
        Assert.Equal(allocated.Order(), await check.HostEnvironments.Select(e => e.ListenerPriority!.Value).OrderBy(p => p).ToListAsync());
    }

    [Fact]
    public async Task An_environment_keeps_the_priority_it_was_given()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("alloc");
        await using var db = TestOrders.Database(connectionString);
        await db.Database.MigrateAsync();
        var environment = (await TestOrders.PlaceAsync(db, "keeper", [EnvironmentKind.Dev])).Environments.Single();
        var allocator = Allocator(new ListenerRulePriorities(new ListenerRulesAt(), new ProvisioningOptions(), TimeProvider.System), connectionString);
        var first = await allocator.EnsureAsync(db, environment, CancellationToken.None);

        environment.ListenerPriority = null; // as after a crash before the environment was saved
        var again = await allocator.EnsureAsync(db, environment, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(1, await db.ListenerPriorityAllocations.CountAsync());
        Assert.Equal(Platform.SharedListenerArn, environment.ListenerArn);
    }

    private static ListenerPriorityAllocator Allocator(ListenerRulePriorities loadBalancer, string connectionString) =>
        new(new ListenerCapacity(loadBalancer, Platform), TestOrders.Contexts(connectionString));
}
