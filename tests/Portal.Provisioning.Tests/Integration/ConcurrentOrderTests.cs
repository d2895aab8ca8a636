using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.ElasticLoadBalancing;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

public sealed class ConcurrentOrderTests : IAsyncLifetime
{
    private ProvisioningWorld world = null!;

    public async Task InitializeAsync() => world = await ProvisioningWorld.StartAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task Fifty_orders_placed_at_once_get_fifty_distinct_priorities_matching_the_load_balancer()
    {
        var orders = await Task.WhenAll(Enumerable.Range(1, 50).Select(i => world.OrderAsync($"site{i}", EnvironmentKind.Dev)));

        var hosts = await Task.WhenAll(orders.Select(o => world.WaitForAsync(o.Id, HostState.Active, TimeSpan.FromMinutes(3))));

        var priorities = hosts.Select(h => h.Environments.Single().ListenerPriority!.Value).ToList();
        Assert.Equal(50, priorities.Distinct().Count());
        var rules = await world.Portal.Services.GetRequiredService<ILoadBalancerRules>()
            .DescribeRulesAsync(world.Portal.Services.GetRequiredService<PlatformSettings>().SharedListenerArn);
        Assert.Equal(priorities.Order(), rules.Where(r => !r.IsDefault).Select(r => r.NumericPriority!.Value).Order());
    }
}
