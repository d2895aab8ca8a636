using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Aws.ElasticLoadBalancing;
using Portal.AwsEmulator.Faults;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Hosts;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>Orders become stacks at the emulator through the portal's jobs, on real Postgres.</summary>
public sealed class ProvisioningTests : IAsyncLifetime
{
    private ProvisioningWorld world = null!;

    public async Task InitializeAsync() => world = await ProvisioningWorld.StartAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task An_order_with_dev_and_production_ends_active_with_every_stack_complete_and_outputs_stored()
    {
        var order = await world.OrderAsync("shop", EnvironmentKind.Dev, EnvironmentKind.Production);

        var host = await world.WaitForAsync(order.Id, HostState.Active);

        var cloudFormation = world.Portal.Services.GetRequiredService<ICloudFormation>();
        foreach (var environment in host.Environments)
        {
            Assert.Equal(EnvironmentState.Active, environment.State);
            foreach (var stackName in new[] { environment.InfrastructureStackName!, environment.SoftwareStackName! })
                Assert.Equal("CREATE_COMPLETE", (await cloudFormation.DescribeStackAsync(stackName))!.StackStatus);
            Assert.StartsWith("https://", environment.Outputs["SiteUrl"]);
            Assert.False(string.IsNullOrEmpty(environment.Outputs["DatabaseEndpoint"]));
            Assert.StartsWith("arn:aws:secretsmanager:", environment.Outputs["DatabaseSecretArn"]);
            Assert.Equal(environment.Outputs["PipelineName"], environment.PipelineName);
            Assert.NotNull(environment.ListenerPriority);
        }
        Assert.NotEqual(host.Environments[0].ListenerPriority, host.Environments[1].ListenerPriority);

        var events = await world.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().StackEvents
            .Where(e => e.HostEnvironment.HostId == order.Id).ToListAsync());
        Assert.Contains(events, e => e.LogicalResourceId == "DatabaseInstance" && e.ResourceStatus == "CREATE_COMPLETE");
        Assert.Contains(events, e => e.ResourceStatus == "CREATE_COMPLETE" && e.LogicalResourceId == e.StackName);
    }

    [Fact]
    public async Task A_failed_resource_leaves_the_host_failed_with_AWS_reason_and_a_retry_after_the_fault_is_cleared_reaches_active()
    {
        const string reason = "Resource handler returned message: \"The requested DB instance class is not available\"";
        await world.Emulator.AddFaultsAsync(new FaultSettings { Resources = [new ResourceFault { LogicalId = "DatabaseInstance", Reason = reason }] });
        var order = await world.OrderAsync("flaky", EnvironmentKind.Dev);

        var failed = await world.WaitForAsync(order.Id, HostState.Failed);
        var environment = Assert.Single(failed.Environments);
        Assert.Equal(EnvironmentState.Failed, environment.State);
        Assert.Contains("DatabaseInstance", environment.StateReason);
        Assert.Contains("The requested DB instance class is not available", environment.StateReason);
        Assert.Contains("ROLLBACK_COMPLETE", environment.StateReason);
        Assert.Contains("The requested DB instance class is not available", failed.StateReason);

        await world.Emulator.ClearFaultsAsync();
        var retry = await Operations(o => o.RetryAsync(order.Id, new Actor(null, "test")));
        Assert.Equal(ActionOutcome.Done, retry.Outcome);

        var active = await world.WaitForAsync(order.Id, HostState.Active);
        var stack = await world.Portal.Services.GetRequiredService<ICloudFormation>().DescribeStackAsync(active.Environments[0].SoftwareStackName!);
        Assert.Equal("CREATE_COMPLETE", stack!.StackStatus);
        Assert.Equal(environment.ListenerPriority, active.Environments[0].ListenerPriority);
    }

    [Fact]
    public async Task Answers_slower_than_the_overdue_threshold_still_finish_the_order()
    {
        // Each look takes longer than Provisioning:OverdueAfter (3 s here): the reconciler must not take it for a dead step.
        await world.Emulator.AddFaultsAsync(new FaultSettings { Operations = [new OperationFault { Operation = "cloudformation:DescribeStackEvents", Latency = TimeSpan.FromSeconds(3.5) }] });
        var order = await world.OrderAsync("slow", EnvironmentKind.Dev);

        var active = await world.WaitForAsync(order.Id, HostState.Active, TimeSpan.FromSeconds(90));

        Assert.Equal(EnvironmentState.Active, Assert.Single(active.Environments).State);
        await world.Emulator.ClearFaultsAsync();
    }

    [Fact]
    public async Task Decommission_deletes_every_stack_and_frees_the_priority()
    {
        var order = await world.OrderAsync("gone", EnvironmentKind.Dev, EnvironmentKind.Production);
        var active = await world.WaitForAsync(order.Id, HostState.Active);

        var started = await Operations(o => o.DecommissionAsync(new Actor(null, "test"), order.CustomerId, order.Name, order.Name));
        Assert.Equal(ActionOutcome.Done, started.Outcome);
        var decommissioned = await world.WaitForAsync(order.Id, HostState.Decommissioned);

        var cloudFormation = world.Portal.Services.GetRequiredService<ICloudFormation>();
        foreach (var environment in active.Environments)
            foreach (var stackName in new[] { environment.InfrastructureStackName!, environment.SoftwareStackName! })
                Assert.Null(await cloudFormation.DescribeStackAsync(stackName));
        Assert.All(decommissioned.Environments, e => Assert.Null(e.ListenerPriority));
        var allocations = await world.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().ListenerPriorityAllocations
            .CountAsync(a => a.HostEnvironment.HostId == order.Id));
        Assert.Equal(0, allocations);
        var rules = await world.Portal.Services.GetRequiredService<ILoadBalancerRules>()
            .DescribeRulesAsync(world.Portal.Services.GetRequiredService<Portal.Provisioning.Templates.PlatformSettings>().SharedListenerArn);
        Assert.All(rules, r => Assert.True(r.IsDefault));
    }

    [Fact]
    public async Task Decommission_is_refused_while_provisioning_runs()
    {
        await world.Emulator.SetTimingsAsync(new Portal.AwsEmulator.TimingSettings { ResourceDelay = TimeSpan.FromSeconds(1) });
        var order = await world.OrderAsync("busy", EnvironmentKind.Dev);
        await world.WaitForAsync(order.Id, HostState.Provisioning);

        var refused = await Operations(o => o.DecommissionAsync(new Actor(null, "test"), order.CustomerId, order.Name, order.Name));

        Assert.Equal(ActionOutcome.Conflict, refused.Outcome);
        Assert.Contains("Provisioning", refused.Message);
    }

    private Task<ActionResult> Operations(Func<HostOperations, Task<ActionResult>> call) =>
        world.Portal.WithScopeAsync(s => call(s.GetRequiredService<HostOperations>()));
}
