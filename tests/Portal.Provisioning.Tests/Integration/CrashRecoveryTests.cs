using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.ElasticLoadBalancing;
using Portal.AwsEmulator;
using Portal.Data.Entities;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>The portal process is killed in the middle of provisioning and started again.</summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private const string ListenerArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/portal-shared/0de0000000000001/0de0000000000443";
    private EmulatorHost emulator = null!;
    private string connectionString = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("crash");
        emulator = await EmulatorHost.StartAsync(new Dictionary<string, string?> { ["Emulator:ResourceDelay"] = "00:00:00.150" });
        await emulator.SeedListenerAsync(new SeedListener { ListenerArn = ListenerArn });
    }

    public async Task DisposeAsync() => await emulator.DisposeAsync();

    [Fact]
    public async Task Killed_mid_provisioning_and_restarted_finishes_every_order_without_a_duplicate_stack_pipeline_or_priority()
    {
        var settings = new Dictionary<string, string?>(ProvisioningWorld.FastJobs)
        {
            ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString(),
            ["Platform:SharedListenerArn"] = ListenerArn,
        };
        List<Host> orders;
        await using (var first = await PortalProcess.StartAsync(connectionString, settings))
        {
            await using var db = TestOrders.Database(connectionString);
            orders = [];
            for (var i = 1; i <= 6; i++)
                orders.Add(await TestOrders.PlaceAsync(db, $"crash{i}", [EnvironmentKind.Dev, EnvironmentKind.Production]));
            // Kill once stacks are being created, and before every order is done.
            await Poll.UntilAsync(() => emulator.StatsAsync(), s => s.Operations.GetValueOrDefault("cloudformation:CreateStack") >= 8,
                TimeSpan.FromSeconds(60), "stacks being created");
            first.Kill();
        }
        await using (var db = TestOrders.Database(connectionString))
            Assert.Contains(await db.Hosts.Select(h => h.State).ToListAsync(), s => s != HostState.Active);

        await using var second = await PortalProcess.StartAsync(connectionString, settings);
        await using var check = TestOrders.Database(connectionString);
        var hosts = await Poll.UntilAsync(
            () => check.Hosts.AsNoTracking().Include(h => h.Environments).ToListAsync(),
            all => all.All(h => h.State == HostState.Active), TimeSpan.FromMinutes(2), "every order to be Active",
            all => string.Join("; ", all.Select(ProvisioningWorld.Describe)));

        var environments = hosts.SelectMany(h => h.Environments).ToList();
        var aws = new ServiceCollection().AddLogging()
            .AddPortalAws(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString() }).Build())
            .BuildServiceProvider();
        var stacks = new List<StackDescription>();
        string? next = null;
        do
        {
            var page = await aws.GetRequiredService<ICloudFormation>().DescribeStacksAsync(nextToken: next);
            stacks.AddRange(page.Items);
            next = page.NextToken;
        } while (next is not null);
        Assert.Equal(environments.Count * 2, stacks.Count);
        Assert.All(stacks, s => Assert.Equal("CREATE_COMPLETE", s.StackStatus));
        var stats = await emulator.StatsAsync();
        Assert.Equal(0, stats.Operations.GetValueOrDefault("cloudformation:DeleteStack"));
        foreach (var environment in environments)
            Assert.Equal(environment.PipelineName, (await aws.GetRequiredService<IPipelines>().GetStateAsync(environment.PipelineName!)).PipelineName);

        Assert.Equal(environments.Count, environments.Select(e => e.ListenerPriority).Distinct().Count());
        Assert.Equal(environments.Count, await check.ListenerPriorityAllocations.CountAsync());
        var rules = await aws.GetRequiredService<ILoadBalancerRules>().DescribeRulesAsync(ListenerArn);
        Assert.Equal(environments.Select(e => e.ListenerPriority!.Value).Order(), rules.Where(r => !r.IsDefault).Select(r => r.NumericPriority!.Value).Order());
    }
}
