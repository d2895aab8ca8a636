using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.ElasticLoadBalancing;
using Portal.AwsEmulator;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Audit;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Orders;
using Portal.Provisioning.Templates;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>
/// Two shared load balancers whose quotas (at the emulator as at AWS: rules and target groups per load balancer) hold two
/// environments each: orders fill the first, then the second, and the order that fits on neither is refused before
/// anything is made. Had the allocator put a third environment on a full load balancer, the emulator would have refused
/// its rule (TooManyRules) and the host would have failed.
/// </summary>
public sealed class SharedLoadBalancerCapacityTests : IAsyncLifetime
{
    private const int PerLoadBalancer = 2;
    private const string SecondListener =
        "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/portal-shared-2/0de0000000000002/0de0000000000444";

    private ProvisioningWorld world = null!;

    public async Task InitializeAsync()
    {
        var quotas = new Dictionary<string, string?>
        {
            ["RulesPerLoadBalancer"] = PerLoadBalancer.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TargetGroupsPerLoadBalancer"] = PerLoadBalancer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        world = await ProvisioningWorld.StartAsync(
            portalSettings: new Dictionary<string, string?>(quotas.Select(q => KeyValuePair.Create($"{PlatformSettings.Section}:Quotas:{q.Key}", q.Value)))
            {
                [$"{PlatformSettings.Section}:MoreSharedListeners:0:ListenerArn"] = SecondListener,
                [$"{PlatformSettings.Section}:MoreSharedListeners:0:LoadBalancerDnsName"] = "portal-shared-2-123.us-east-1.elb.amazonaws.com",
                [$"{PlatformSettings.Section}:MoreSharedListeners:0:LoadBalancerCanonicalHostedZoneId"] = "Z35SXDOTRQ7X7K",
            },
            emulatorSettings: new Dictionary<string, string?>(quotas.Select(q => KeyValuePair.Create($"Emulator:Quotas:{q.Key}", q.Value))));
        await world.Emulator.SeedListenerAsync(new SeedListener { ListenerArn = SecondListener });
    }

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task Orders_fill_one_shared_load_balancer_then_the_next_and_the_order_that_fits_on_none_is_refused()
    {
        var customer = new Customer { Name = "Capacity Ltd", Slug = "cap" + Guid.NewGuid().ToString("N")[..8] };
        await world.Portal.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            db.Customers.Add(customer);
            return await db.SaveChangesAsync();
        });

        var placed = new List<Guid>();
        for (var i = 1; i <= 2 * PerLoadBalancer; i++)
            placed.Add(Assert.IsType<OrderOutcome.Created>(await OrderAsync(customer.Id, $"fill{i}")).HostId);
        var hosts = await Task.WhenAll(placed.Select(id => world.WaitForAsync(id, HostState.Active, TimeSpan.FromMinutes(3))));

        var platform = world.Portal.Services.GetRequiredService<PlatformSettings>();
        var onListener = hosts.GroupBy(h => h.Environments.Single().ListenerArn).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { [platform.SharedListenerArn] = PerLoadBalancer, [SecondListener] = PerLoadBalancer }, onListener);
        var rules = world.Portal.Services.GetRequiredService<ILoadBalancerRules>();
        foreach (var listener in new[] { platform.SharedListenerArn, SecondListener })
            Assert.Equal(PerLoadBalancer, (await rules.DescribeRulesAsync(listener)).Count(r => !r.IsDefault));

        var refused = Assert.IsType<OrderOutcome.Unavailable>(await OrderAsync(customer.Id, "one-too-many"));
        Assert.Contains("Your order was not placed", refused.Message);
        Assert.Contains($"{PerLoadBalancer} of {PerLoadBalancer} rules", refused.Message);
        Assert.False(await world.Portal.WithScopeAsync(services =>
            services.GetRequiredService<PortalDbContext>().Hosts.AnyAsync(h => h.Name == "one-too-many")));

        // Decommissioning one frees its room, and the next order is placed there.
        await world.Portal.WithScopeAsync(async services =>
            await services.GetRequiredService<HostOperations>().DecommissionAsync(new Actor(null, "tests"), customer.Id, "fill1", "fill1"));
        await world.WaitForAsync(placed[0], HostState.Decommissioned, TimeSpan.FromMinutes(2));
        var after = Assert.IsType<OrderOutcome.Created>(await OrderAsync(customer.Id, "one-more"));
        var active = await world.WaitForAsync(after.HostId, HostState.Active, TimeSpan.FromMinutes(2));
        Assert.Equal(hosts[0].Environments.Single().ListenerArn, active.Environments.Single().ListenerArn);
    }

    private Task<OrderOutcome> OrderAsync(Guid customerId, string name) => world.Portal.WithScopeAsync(services =>
    {
        var project = ProvisioningWorld.NextProject();
        return services.GetRequiredService<HostOrders>().CreateAsync(new Actor(null, "tests"), customerId, new HostOrder
        {
            Name = name,
            Plan = "small",
            Environments = ["dev"],
            GitLabProjectPath = project,
            GitLabProjectUrl = $"https://gitlab.example.com/{project}.git",
            GitLabToken = ProvisioningWorld.GitLabToken,
            HealthCheckPath = "/health",
        });
    });
}
