using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.AwsEmulator.Faults;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Orders;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>A customer edits an active host: change sets preview it, confirming applies exactly those, the priority stays.</summary>
public sealed class UpdateTests : ProvisioningWorldTests
{
    [Fact]
    public async Task A_plan_change_is_previewed_as_change_sets_then_applied_keeping_each_priority()
    {
        var host = await World.ActiveHostAsync("grow", EnvironmentKind.Dev, EnvironmentKind.Production);
        var before = await World.HostAsync(host.Id);

        var proposed = await World.ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "grow", ProvisioningWorld.Edit(before, o => o.Plan = "medium")));
        var change = await World.WaitForChangeAsync(Assert.IsType<ChangeOutcome.Done>(proposed).Change.Id, HostChangeState.Ready);

        Assert.Contains(change.FieldChanges, f => f == new FieldChange(HostOrderFields.Plan, "small", "medium"));
        var devSoftware = Assert.Single(change.Stacks, s => s.Environment == EnvironmentKind.Dev && s.Layer == "software");
        Assert.Contains(devSoftware.Changes, r => r.Action == "Modify" && r.LogicalResourceId == "LaunchTemplate");
        Assert.DoesNotContain(change.Stacks, s => s.Layer == "infrastructure");
        var stillSmall = await World.HostAsync(host.Id);
        Assert.Equal(("small", HostState.Active), (stillSmall.Plan, stillSmall.State));

        var confirmed = await World.ChangesAsync(c => c.ConfirmAsync(Customer, host.CustomerId, "grow", change.Id));
        Assert.IsType<ChangeOutcome.Done>(confirmed);
        var updated = await World.WaitForAsync(host.Id, HostState.Active);

        Assert.Equal("medium", updated.Plan);
        Assert.Equal(HostChangeState.Applied, (await World.ChangeAsync(change.Id)).State);
        var cloudFormation = World.Portal.Services.GetRequiredService<ICloudFormation>();
        foreach (var environment in updated.Environments)
        {
            var stack = (await cloudFormation.DescribeStackAsync(environment.SoftwareStackName!))!;
            Assert.Equal("UPDATE_COMPLETE", stack.StackStatus);
            Assert.Equal("t3.medium", stack.Parameters.Single(p => p.Key == "InstanceType").Value);
            Assert.Equal(before.Environments.Single(e => e.Kind == environment.Kind).ListenerPriority, environment.ListenerPriority);
            Assert.Equal(environment.ListenerPriority?.ToString(CultureInfo.InvariantCulture), stack.Parameters.Single(p => p.Key == "ListenerPriority").Value);
        }
        var stats = await World.Emulator.StatsAsync();
        Assert.Equal(2, stats.Operations.GetValueOrDefault("cloudformation:ExecuteChangeSet"));
        Assert.Equal(0, stats.Operations.GetValueOrDefault("cloudformation:UpdateStack"));
    }

    [Fact]
    public async Task A_branch_change_touches_no_stack_and_is_saved_on_confirmation()
    {
        var host = await World.ActiveHostAsync("branchy", EnvironmentKind.Dev);
        var before = await World.HostAsync(host.Id);

        var proposed = await World.ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "branchy", ProvisioningWorld.Edit(before, o => o.DevBranch = "develop")));
        var change = await World.WaitForChangeAsync(Assert.IsType<ChangeOutcome.Done>(proposed).Change.Id, HostChangeState.NoChanges);
        Assert.Empty(change.Stacks);

        Assert.IsType<ChangeOutcome.Done>(await World.ChangesAsync(c => c.ConfirmAsync(Customer, host.CustomerId, "branchy", change.Id)));

        var after = await World.HostAsync(host.Id);
        Assert.Equal(("develop", HostState.Active), (after.Environments.Single().Branch, after.State));
        Assert.Equal(HostChangeState.Applied, (await World.ChangeAsync(change.Id)).State);
    }

    [Fact]
    public async Task What_cannot_change_is_refused_field_by_field_and_a_busy_host_cannot_be_changed()
    {
        var host = await World.ActiveHostAsync("fixed", EnvironmentKind.Dev);
        var before = await World.HostAsync(host.Id);

        var refused = await World.ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "fixed", ProvisioningWorld.Edit(before, o =>
        {
            o.Name = "renamed";
            o.DatabaseEngine = "mysql";
            o.DatabaseStorageGb = 10;
            o.Environments = [];
        })));
        var errors = Assert.IsType<ChangeOutcome.Invalid>(refused).Errors;
        Assert.Contains(HostOrderFields.Name, errors.Keys);
        Assert.Contains(HostOrderFields.DatabaseEngine, errors.Keys);
        Assert.Contains(HostOrderFields.Environments, errors.Keys);
        Assert.Contains(HostOrderFields.DatabaseStorageGb, errors.Keys);

        var same = await World.ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "fixed", ProvisioningWorld.Edit(before, _ => { })));
        Assert.Contains(HostChanges.OrderField, Assert.IsType<ChangeOutcome.Invalid>(same).Errors.Keys);

        await World.Portal.WithScopeAsync(s => s.GetRequiredService<HostOperations>().DecommissionAsync(Customer, host.CustomerId, host.Name, host.Name));
        var busy = await World.ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "fixed", ProvisioningWorld.Edit(before, o => o.Plan = "medium")));
        Assert.Contains("Decommission", Assert.IsType<ChangeOutcome.Conflict>(busy).Message);
        Assert.IsType<ChangeOutcome.NotFound>(await World.ChangesAsync(c => c.ProposeAsync(Customer, Guid.NewGuid(), "fixed", ProvisioningWorld.Edit(before, o => o.Plan = "medium"))));
    }

    [Fact]
    public async Task A_failed_update_rolls_back_leaves_the_host_failed_and_a_retry_applies_it()
    {
        var host = await World.ActiveHostAsync("wobbly", EnvironmentKind.Dev);
        var before = await World.HostAsync(host.Id);
        var proposed = await World.ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "wobbly", ProvisioningWorld.Edit(before, o => o.Plan = "medium")));
        var change = await World.WaitForChangeAsync(Assert.IsType<ChangeOutcome.Done>(proposed).Change.Id, HostChangeState.Ready);
        await World.Emulator.AddFaultsAsync(new FaultSettings
        {
            Resources = [new ResourceFault { LogicalId = "LaunchTemplate", Operation = "Update", Reason = "Instance type t3.medium is not supported in this zone" }],
        });

        Assert.IsType<ChangeOutcome.Done>(await World.ChangesAsync(c => c.ConfirmAsync(Customer, host.CustomerId, "wobbly", change.Id)));
        var failed = await World.WaitForAsync(host.Id, HostState.Failed);

        var environment = failed.Environments.Single();
        Assert.Contains("UPDATE_ROLLBACK_COMPLETE", environment.StateReason);
        Assert.Contains("not supported in this zone", environment.StateReason);
        Assert.Equal(HostChangeState.Failed, (await World.ChangeAsync(change.Id)).State);
        var cloudFormation = World.Portal.Services.GetRequiredService<ICloudFormation>();
        Assert.Equal("t3.micro", (await cloudFormation.DescribeStackAsync(environment.SoftwareStackName!))!.Parameters.Single(p => p.Key == "InstanceType").Value);

        await World.Emulator.ClearFaultsAsync();
        Assert.Equal(ActionOutcome.Done, (await World.Portal.WithScopeAsync(s => s.GetRequiredService<HostOperations>().RetryAsync(host.Id, Customer))).Outcome);
        var active = await World.WaitForAsync(host.Id, HostState.Active);
        Assert.Equal("t3.medium", (await cloudFormation.DescribeStackAsync(active.Environments.Single().SoftwareStackName!))!.Parameters.Single(p => p.Key == "InstanceType").Value);
    }
}
