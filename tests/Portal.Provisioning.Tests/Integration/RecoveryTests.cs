using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.AwsEmulator.Faults;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Hosts;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>
/// The dead ends AWS can leave a stack in, and the operator's ways out: an update whose rollback fails
/// (UPDATE_ROLLBACK_FAILED: continue the rollback, skipping what cannot be put back, then update again), a delete that
/// fails (DELETE_FAILED: delete again keeping what cannot be deleted), and a new stack CloudFormation does not show yet.
/// </summary>
public sealed class RecoveryTests : ProvisioningWorldTests
{
    [Fact]
    public async Task An_update_whose_rollback_failed_is_continued_skipping_the_named_resource_then_applied()
    {
        var host = await World.ActiveHostAsync("stuck", EnvironmentKind.Dev);
        var software = host.Environments.Single().SoftwareStackName!;
        await World.Emulator.AddFaultsAsync(new FaultSettings
        {
            Resources =
            [
                new ResourceFault { StackName = software, LogicalId = "AutoScalingGroup", Operation = "Update", Reason = "Group busy", Times = 1 },
                new ResourceFault { StackName = software, LogicalId = "LaunchTemplate", Operation = "Rollback", Reason = "Version deleted outside the stack" },
            ],
        });
        await World.ConfirmChangeAsync(Customer, host, o => o.Plan = "medium");
        var stuck = await World.WaitForAsync(host.Id, HostState.Failed);
        Assert.Contains("UPDATE_ROLLBACK_FAILED", stuck.Environments.Single().StateReason);
        Assert.Contains("continue the rollback", stuck.Environments.Single().StateReason);

        // A plain retry cannot get out: AWS refuses to update a stack in UPDATE_ROLLBACK_FAILED.
        Assert.Equal(ActionOutcome.Done, (await OperationsAsync(o => o.RetryAsync(host.Id, Operator))).Outcome);
        var still = await World.WaitForAsync(host.Id, HostState.Failed);
        Assert.Contains("UPDATE_ROLLBACK_FAILED", still.Environments.Single().StateReason);

        var refused = await OperationsAsync(o => o.RecoverAsync(host.Id, EnvironmentKind.Dev, StackRecovery.RetainResources, ["LaunchTemplate"], Operator));
        var hostile = await OperationsAsync(o => o.RecoverAsync(host.Id, EnvironmentKind.Dev, StackRecovery.ContinueRollback, ["Launch Template; DROP"], Operator));
        var missing = await OperationsAsync(o => o.RecoverAsync(host.Id, EnvironmentKind.Production, StackRecovery.ContinueRollback, [], Operator));
        var continued = await OperationsAsync(o => o.RecoverAsync(host.Id, EnvironmentKind.Dev, StackRecovery.ContinueRollback, ["LaunchTemplate"], Operator));
        var active = await World.WaitForAsync(host.Id, HostState.Active);

        Assert.Equal(ActionOutcome.Conflict, refused.Outcome);
        Assert.Equal((ActionOutcome.Invalid, "resources"), (hostile.Outcome, hostile.Field));
        Assert.Equal(ActionOutcome.NotFound, missing.Outcome);
        Assert.Equal(ActionOutcome.Done, continued.Outcome);
        var cloudFormation = World.Portal.Services.GetRequiredService<ICloudFormation>();
        var stack = (await cloudFormation.DescribeStackAsync(software))!;
        Assert.Equal(("UPDATE_COMPLETE", "t3.medium"), (stack.StackStatus, stack.Parameters.Single(p => p.Key == "InstanceType").Value));
        var environment = active.Environments.Single();
        Assert.Equal((StackRecovery.None, 0), (environment.Recovery, environment.RecoveryResources.Count));
        var skipped = await EventsAsync(environment.Id, software);
        Assert.Contains(skipped, e => e.LogicalResourceId == "LaunchTemplate" && e.ResourceStatusReason == "Resource skipped during UpdateRollback");
        Assert.Contains(await AuditAsync(host.Id), a => a.Action == AuditActions.EnvironmentRollbackContinued && a.ActorName == Operator.Name
            && a.Details!.Contains("LaunchTemplate"));
    }

    [Fact]
    public async Task A_decommission_whose_delete_failed_is_retried_keeping_the_named_resource()
    {
        var host = await World.ActiveHostAsync("sticky", EnvironmentKind.Dev);
        var software = host.Environments.Single().SoftwareStackName!;
        await World.Emulator.AddFaultsAsync(new FaultSettings
        {
            Resources = [new ResourceFault { StackName = software, LogicalId = "InstanceSecurityGroup", Operation = "Delete", Reason = "has a dependent object" }],
        });
        await OperationsAsync(o => o.DecommissionAsync(Customer, host.CustomerId, host.Name, host.Name));
        var failed = await World.WaitForAsync(host.Id, HostState.Failed);
        Assert.Contains("DELETE_FAILED", failed.Environments.Single().StateReason);

        Assert.Equal(ActionOutcome.Done, (await OperationsAsync(o => o.RetryAsync(host.Id, Operator))).Outcome);
        Assert.Contains("DELETE_FAILED", (await World.WaitForAsync(host.Id, HostState.Failed)).Environments.Single().StateReason);

        var nothingNamed = await OperationsAsync(o => o.RecoverAsync(host.Id, EnvironmentKind.Dev, StackRecovery.RetainResources, [], Operator));
        var wrongKind = await OperationsAsync(o => o.RecoverAsync(host.Id, EnvironmentKind.Dev, StackRecovery.ContinueRollback, [], Operator));
        var kept = await OperationsAsync(o => o.RecoverAsync(host.Id, EnvironmentKind.Dev, StackRecovery.RetainResources, ["InstanceSecurityGroup"], Operator));
        var gone = await World.WaitForAsync(host.Id, HostState.Decommissioned);

        Assert.Equal((ActionOutcome.Invalid, "resources"), (nothingNamed.Outcome, nothingNamed.Field));
        Assert.Equal(ActionOutcome.Conflict, wrongKind.Outcome);
        Assert.Equal(ActionOutcome.Done, kept.Outcome);
        Assert.Equal(EnvironmentState.Decommissioned, gone.Environments.Single().State);
        var events = await EventsAsync(gone.Environments.Single().Id, software);
        Assert.Contains(events, e => e.LogicalResourceId == "InstanceSecurityGroup" && e.ResourceStatus == "DELETE_SKIPPED");
        Assert.Contains(await AuditAsync(host.Id), a => a.Action == AuditActions.EnvironmentDeleteRetaining);
    }

    [Fact]
    public async Task A_new_stack_that_CloudFormation_does_not_show_yet_is_waited_for()
    {
        await World.Emulator.AddFaultsAsync(new FaultSettings { NewStacks = [new StackVisibilityFault { Misses = 2 }] });

        var host = await World.ActiveHostAsync("shy", EnvironmentKind.Dev);

        Assert.All(host.Environments, e => Assert.Equal(EnvironmentState.Active, e.State));
        Assert.NotNull(host.Environments.Single().SoftwareStackId);
    }

    private Task<ActionResult> OperationsAsync(Func<HostOperations, Task<ActionResult>> call) =>
        World.Portal.WithScopeAsync(s => call(s.GetRequiredService<HostOperations>()));

    private Task<List<StackEvent>> EventsAsync(Guid environmentId, string stackName) => World.Portal.WithScopeAsync(s =>
        s.GetRequiredService<PortalDbContext>().StackEvents.AsNoTracking()
            .Where(e => e.HostEnvironmentId == environmentId && e.StackName == stackName).ToListAsync());

    private Task<List<AuditEntry>> AuditAsync(Guid hostId) => World.Portal.WithScopeAsync(s =>
        s.GetRequiredService<PortalDbContext>().AuditEntries.AsNoTracking().Where(a => a.HostId == hostId).ToListAsync());
}
