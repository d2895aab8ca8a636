using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.CloudFormation;

/// <summary>What CloudFormation refuses, and accepts, while a stack is busy. Log groups take long here so the stack stays busy.</summary>
public sealed class BusyStackTests(BusyStackTests.SlowLogGroups aws) : IClassFixture<BusyStackTests.SlowLogGroups>
{
    public sealed class SlowLogGroups : EmulatorFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Emulator:ResourceDelays:0:Type"] = "AWS::Logs::LogGroup",
            ["Emulator:ResourceDelays:0:Delay"] = "00:00:01",
        };
    }

    private const string Template = """
        Resources:
          Slow: { Type: AWS::Logs::LogGroup }
          Quick: { Type: AWS::SNS::Topic }
          After: { Type: AWS::SNS::Topic, DependsOn: Slow }
        """;

    [Fact]
    public async Task Updates_and_change_sets_are_refused_while_the_stack_is_being_created()
    {
        var name = EmulatorFixture.UniqueName("busy");
        var id = await aws.Stacks.CreateAsync(name, Template);

        var update = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.UpdateAsync(name, Template + "  More: { Type: AWS::SNS::Topic }\n"));
        var changeSet = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("CreateChangeSet", ("StackName", name), ("ChangeSetName", "early"), ("TemplateBody", Template)));

        Assert.Equal(("ValidationError", $"Stack:{id} is in CREATE_IN_PROGRESS state and can not be updated."), (update.Code, update.AwsMessage));
        Assert.Equal(update.AwsMessage, changeSet.AwsMessage);
        Assert.Equal("CREATE_COMPLETE", (await aws.Stacks.WaitAsync(id)).Status);
    }

    [Fact]
    public async Task Deleting_a_stack_being_updated_is_refused()
    {
        var name = EmulatorFixture.UniqueName("busy-update");
        await aws.Stacks.CreateAndWaitAsync(name, "Resources:\n  Log: { Type: AWS::Logs::LogGroup, Properties: { RetentionInDays: 1 } }\n");
        var id = await aws.Stacks.UpdateAsync(name, "Resources:\n  Log: { Type: AWS::Logs::LogGroup, Properties: { RetentionInDays: 7 } }\n");

        var error = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DeleteAsync(name));

        Assert.Equal($"Stack [{id}] cannot be deleted while in status UPDATE_IN_PROGRESS", error.AwsMessage);
        Assert.Equal("UPDATE_COMPLETE", (await aws.Stacks.WaitAsync(id)).Status);
    }

    [Fact]
    public async Task Deleting_a_stack_being_created_cancels_the_creation_and_deletes_what_was_made()
    {
        var name = EmulatorFixture.UniqueName("cancel");
        var id = await aws.Stacks.CreateAsync(name, Template);
        await PipelineCalls.UntilAsync("Quick created", async () =>
            (await aws.Stacks.ResourcesAsync(id)).Any(r => r.LogicalId == "Quick" && r.Status == "CREATE_COMPLETE") ? "yes" : null);

        await aws.Stacks.DeleteAsync(name);
        var stack = await aws.Stacks.WaitAsync(id);

        Assert.Equal("DELETE_COMPLETE", stack.Status);
        var events = await aws.Stacks.EventsAsync(id);
        Assert.Contains(events, e => e.LogicalId == "Slow" && e.Status == "CREATE_FAILED" && e.Reason == "Resource creation cancelled");
        Assert.DoesNotContain(events, e => e.LogicalId == "After");
        Assert.Contains(events, e => e.LogicalId == "Quick" && e.Status == "DELETE_COMPLETE");
    }
}
