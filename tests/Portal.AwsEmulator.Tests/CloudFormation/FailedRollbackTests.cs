using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.CloudFormation;

/// <summary>
/// Stacks stuck the ways AWS leaves them: an update whose rollback fails (UPDATE_ROLLBACK_FAILED, then
/// ContinueUpdateRollback), a deletion that fails (DELETE_FAILED, then RetainResources), and a new stack that
/// DescribeStacks does not see yet.
/// </summary>
public sealed class FailedRollbackTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private const string Before = """
        Resources:
          Queue: { Type: AWS::SNS::Topic, Properties: { DisplayName: one } }
          Cache: { Type: AWS::SNS::Topic, Properties: { DisplayName: one } }
          Broken: { Type: AWS::SNS::Topic, Properties: { DisplayName: one } }
        """;

    private static readonly string After = Before.Replace("DisplayName: one", "DisplayName: two") + "\n  Added: { Type: AWS::SNS::Topic }\n";

    /// <summary>Created, then updated so that Broken fails to update and Queue and Cache fail to be put back.</summary>
    private async Task<StackView> StuckAsync(string name, int rollbackFailures = 1, bool create = true)
    {
        if (create) await aws.Stacks.CreateAndWaitAsync(name, Before);
        await aws.Emulator.AddFaultsAsync(new FaultSettings
        {
            Resources =
            [
                new ResourceFault { StackName = name, LogicalId = "Broken", Operation = "Update", Reason = "Update refused", Times = 1 },
                new ResourceFault { StackName = name, LogicalId = "Queue", Operation = "Rollback", Reason = "Queue was changed outside the stack", Times = rollbackFailures },
                new ResourceFault { StackName = name, LogicalId = "Cache", Operation = "Rollback", Reason = "Cache was deleted outside the stack", Times = rollbackFailures },
            ],
        });
        await aws.Stacks.UpdateAsync(name, After);
        return await aws.Stacks.WaitAsync(name);
    }

    private Task<System.Xml.Linq.XElement> ContinueAsync(string name, params (string, string)[] extra) =>
        aws.Stacks.CallAsync("ContinueUpdateRollback", [("StackName", name), .. extra]);

    [Fact]
    public async Task A_rollback_that_cannot_put_resources_back_leaves_the_stack_update_rollback_failed()
    {
        var name = EmulatorFixture.UniqueName("stuck");

        var stuck = await StuckAsync(name);
        var update = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.UpdateAsync(name, Before));

        Assert.Equal(("UPDATE_ROLLBACK_FAILED", "The following resource(s) failed to update: [Cache, Queue]. "), (stuck.Status, stuck.Reason));
        var resources = (await aws.Stacks.ResourcesAsync(name)).ToDictionary(r => r.LogicalId);
        Assert.Equal(("UPDATE_FAILED", "Queue was changed outside the stack"), (resources["Queue"].Status, resources["Queue"].Reason));
        Assert.Equal("UPDATE_COMPLETE", resources["Broken"].Status);
        Assert.Equal($"Stack:{stuck.StackId} is in UPDATE_ROLLBACK_FAILED state and can not be updated.", update.AwsMessage);
    }

    [Fact]
    public async Task Continue_update_rollback_is_refused_unless_the_rollback_failed_and_skips_only_resources_that_failed()
    {
        var name = EmulatorFixture.UniqueName("not-stuck");
        await aws.Stacks.CreateAndWaitAsync(name, Before);

        var healthy = await Assert.ThrowsAsync<AwsError>(() => ContinueAsync(name));
        var missing = await Assert.ThrowsAsync<AwsError>(() => ContinueAsync(EmulatorFixture.UniqueName("nothing")));
        await StuckAsync(name, create: false);
        var notFailed = await Assert.ThrowsAsync<AwsError>(() => ContinueAsync(name, ("ResourcesToSkip.member.1", "Broken"), ("ResourcesToSkip.member.2", "Queue")));
        var badRole = await Assert.ThrowsAsync<AwsError>(() => ContinueAsync(name, ("RoleARN", "arn:aws:iam::123456789012:role/x")));

        Assert.Equal(("ValidationError", "ContinueUpdateRollback cannot be called from stack with CREATE_COMPLETE status"), (healthy.Code, healthy.AwsMessage));
        Assert.Equal("ValidationError", missing.Code);
        Assert.Contains("[Broken]", notFailed.AwsMessage);
        Assert.Equal("Role arn:aws:iam::123456789012:role/x is invalid or cannot be assumed", badRole.AwsMessage);
        Assert.Equal("UPDATE_ROLLBACK_FAILED", (await aws.Stacks.DescribeAsync(name)).Status);
    }

    [Fact]
    public async Task Continuing_with_a_resource_skipped_finishes_the_rollback_through_the_cleanup()
    {
        var name = EmulatorFixture.UniqueName("continue");
        var stuck = await StuckAsync(name, rollbackFailures: 1);
        var before = (await aws.Stacks.EventsAsync(name)).Count;

        await ContinueAsync(name, ("ResourcesToSkip.member.1", "Cache"), ("RoleARN", "arn:aws:iam::000000000000:role/rollback"), ("ClientRequestToken", "continue-1"));
        await ContinueAsync(name, ("ResourcesToSkip.member.1", "Cache"), ("ClientRequestToken", "continue-1"));
        var done = await aws.Stacks.WaitAsync(name);

        Assert.Equal(("UPDATE_ROLLBACK_COMPLETE", "The following resource(s) failed to update: [Broken]. "), (done.Status, done.Reason));
        Assert.Equal("arn:aws:iam::000000000000:role/rollback", done.Raw.OptionalText("RoleARN"));
        var events = (await aws.Stacks.EventsAsync(name)).Take((await aws.Stacks.EventsAsync(name)).Count - before).Reverse().ToList();
        var stackStatuses = events.Where(e => e.LogicalId == name).Select(e => e.Status).ToList();
        Assert.Equal(["UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE"], stackStatuses);
        Assert.All(events, e => Assert.Equal("continue-1", e.ClientRequestToken));
        Assert.Contains(events, e => e.LogicalId == "Cache" && e.Status == "UPDATE_COMPLETE" && e.Reason == "Resource skipped during UpdateRollback");
        Assert.Contains(events, e => e.LogicalId == "Queue" && e.Status == "UPDATE_COMPLETE");
        Assert.Contains(events, e => e.LogicalId == "Added" && e.Status == "DELETE_COMPLETE");
        var resources = (await aws.Stacks.ResourcesAsync(name)).Select(r => r.LogicalId).Order();
        Assert.Equal(["Broken", "Cache", "Queue"], resources);
        Assert.Equal(stuck.StackId, done.StackId);
        Assert.Equal("UPDATE_COMPLETE", (await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(name, After))).Status);
    }

    [Fact]
    public async Task Retain_resources_is_only_for_a_failed_deletion_and_only_for_resources_not_deleted()
    {
        var name = EmulatorFixture.UniqueName("retain");
        var created = await aws.Stacks.CreateAndWaitAsync(name, Before);
        var early = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DeleteAsync(name, ("RetainResources.member.1", "Broken")));
        await aws.Emulator.AddFaultsAsync(new FaultSettings { Resources = [new ResourceFault { StackName = name, LogicalId = "Broken", Operation = "Delete", Reason = "bucket not empty" }] });
        await aws.Stacks.DeleteAsync(name);
        var failed = await aws.Stacks.WaitAsync(name);

        var deletedOne = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DeleteAsync(name, ("RetainResources.member.1", "Queue")));
        var unknown = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DeleteAsync(name, ("RetainResources.member.1", "Nope")));
        await aws.Stacks.DeleteAsync(name, ("RetainResources.member.1", "Broken"));
        var deleted = await aws.Stacks.WaitAsync(created.StackId);

        Assert.Equal($"Invalid operation on stack {created.StackId}. When you delete a stack, specify which resources to retain only when the stack is in the DELETE_FAILED state.", early.AwsMessage);
        Assert.Equal(("DELETE_FAILED", "The following resource(s) failed to delete: [Broken]. "), (failed.Status, failed.Reason));
        const string invalid = "The specified resources to retain must be in a valid state. Do not specify resources that are in the DELETE_COMPLETE state.";
        Assert.Equal(("ValidationError", invalid), (deletedOne.Code, deletedOne.AwsMessage));
        Assert.Equal(invalid, unknown.AwsMessage);
        Assert.Equal("DELETE_COMPLETE", deleted.Status);
        Assert.Contains(await aws.Stacks.EventsAsync(created.StackId), e => e.LogicalId == "Broken" && e.Status == "DELETE_SKIPPED");
    }

    [Fact]
    public async Task A_new_stack_can_be_unseen_by_describe_calls_right_after_it_is_created()
    {
        var name = EmulatorFixture.UniqueName("unseen");
        await aws.Emulator.AddFaultsAsync(new FaultSettings { NewStacks = [new StackVisibilityFault { StackName = name, Misses = 2, Times = 1 }] });

        var id = await aws.Stacks.CreateAsync(name, Before);
        var byName = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DescribeAsync(name));
        var events = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("DescribeStackEvents", ("StackName", id)));
        var seen = await aws.Stacks.WaitAsync(id);
        var other = await aws.Stacks.CreateAsync(EmulatorFixture.UniqueName("seen"), Before);

        Assert.Equal(("ValidationError", $"Stack with id {name} does not exist", 400), (byName.Code, byName.AwsMessage, byName.Status));
        Assert.Equal(("ValidationError", $"Stack with id {id} does not exist"), (events.Code, events.AwsMessage));
        Assert.Equal("CREATE_COMPLETE", seen.Status);
        Assert.Equal(other, (await aws.Stacks.DescribeAsync(other)).StackId);
    }
}
