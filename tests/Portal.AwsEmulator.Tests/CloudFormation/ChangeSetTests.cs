using System.Xml.Linq;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.CloudFormation;

/// <summary>Change sets: what they list, how they become available or fail, and what executing or deleting them does.</summary>
public sealed class ChangeSetTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    /// <summary>Log group names are unique in a region: each test uses its own.</summary>
    private readonly string logs = $"/logs/{Guid.NewGuid():N}";

    private string Before => BeforeTemplate.Replace("/logs", logs);

    private string After => AfterTemplate.Replace("/logs", logs);

    private const string BeforeTemplate = """
        Resources:
          Kept: { Type: AWS::SNS::Topic, Properties: { DisplayName: one } }
          Renamed: { Type: AWS::Logs::LogGroup, Properties: { LogGroupName: /logs/a } }
          Dependent: { Type: AWS::SNS::Topic, Properties: { DisplayName: !GetAtt Renamed.Arn } }
          Dropped: { Type: AWS::SNS::Topic }
        """;

    private const string AfterTemplate = """
        Resources:
          Kept: { Type: AWS::SNS::Topic, Properties: { DisplayName: two, Tags: [{ Key: team, Value: portal }] } }
          Renamed: { Type: AWS::Logs::LogGroup, Properties: { LogGroupName: /logs/b } }
          Dependent: { Type: AWS::SNS::Topic, Properties: { DisplayName: !GetAtt Renamed.Arn } }
          Added: { Type: AWS::SNS::Topic }
        """;

    private Task<XElement> CreateChangeSetAsync(string stack, string name, string template, string type = "UPDATE", params (string, string)[] extra) =>
        aws.Stacks.CallAsync("CreateChangeSet", [("StackName", stack), ("ChangeSetName", name), ("TemplateBody", template), ("ChangeSetType", type), .. extra]);

    private Task<XElement> DescribeAsync(string changeSet, string? stack = null) =>
        aws.Stacks.CallAsync("DescribeChangeSet", [("ChangeSetName", changeSet), .. stack is null ? Array.Empty<(string, string)>() : [("StackName", stack)]]);

    private Task<XElement> SettledAsync(string changeSetId) => PipelineCalls.UntilAsync("change set", async () =>
    {
        var changeSet = await DescribeAsync(changeSetId);
        return changeSet.Text("Status") is "CREATE_PENDING" or "CREATE_IN_PROGRESS" ? null : changeSet;
    });

    [Fact]
    public async Task A_change_set_lists_each_resource_to_add_modify_or_remove_and_executing_it_updates_the_stack()
    {
        var stack = EmulatorFixture.UniqueName("changes");
        await aws.Stacks.CreateAndWaitAsync(stack, Before);
        var physical = (await aws.Stacks.ResourcesAsync(stack)).ToDictionary(r => r.LogicalId, r => r.PhysicalId);

        var created = await CreateChangeSetAsync(stack, "next", After);
        var pending = await DescribeAsync(created.Text("Id"));
        var changeSet = await SettledAsync(created.Text("Id"));

        // Right after the call the change set is still being worked out (pending, or in progress on a busy machine).
        Assert.Contains(pending.Text("Status"), new[] { "CREATE_PENDING", "CREATE_IN_PROGRESS" });
        Assert.Equal("UNAVAILABLE", pending.Text("ExecutionStatus"));
        Assert.Equal(("CREATE_COMPLETE", "AVAILABLE"), (changeSet.Text("Status"), changeSet.Text("ExecutionStatus")));
        Assert.Equal((await aws.Stacks.DescribeAsync(stack)).StackId, created.Text("StackId"));
        var changes = changeSet.Members("Changes").Select(c => c.Child("ResourceChange")).ToDictionary(c => c.Text("LogicalResourceId"));
        Assert.Equal(["Added", "Dependent", "Dropped", "Kept", "Renamed"], changes.Keys.Order());
        Assert.Equal(("Add", null), (changes["Added"].Text("Action"), changes["Added"].OptionalText("Replacement")));
        Assert.Equal(("Remove", physical["Dropped"]), (changes["Dropped"].Text("Action"), changes["Dropped"].Text("PhysicalResourceId")));
        Assert.Equal(("Modify", "False"), (changes["Kept"].Text("Action"), changes["Kept"].Text("Replacement")));
        Assert.Equal(["Properties", "Tags"], changes["Kept"].Members("Scope").Select(s => s.Value));
        Assert.Equal(("Modify", "True"), (changes["Renamed"].Text("Action"), changes["Renamed"].Text("Replacement")));
        var renamed = Assert.Single(changes["Renamed"].Members("Details"));
        Assert.Equal(("LogGroupName", "Always", "Static", "DirectModification"),
            (renamed.Child("Target").Text("Name"), renamed.Child("Target").Text("RequiresRecreation"), renamed.Text("Evaluation"), renamed.Text("ChangeSource")));
        var dependent = Assert.Single(changes["Dependent"].Members("Details"));
        Assert.Equal(("Dynamic", "ResourceReference", "Renamed"), (dependent.Text("Evaluation"), dependent.Text("ChangeSource"), dependent.Text("CausingEntity")));
        Assert.Equal("CREATE_COMPLETE", (await aws.Stacks.DescribeAsync(stack)).Status);

        await aws.Stacks.CallAsync("ExecuteChangeSet", ("ChangeSetName", "next"), ("StackName", stack), ("ClientRequestToken", "run-next"));
        var updated = await aws.Stacks.WaitAsync(stack);

        Assert.Equal("UPDATE_COMPLETE", updated.Status);
        Assert.Equal("EXECUTE_COMPLETE", (await DescribeAsync(created.Text("Id"))).Text("ExecutionStatus"));
        Assert.Equal($"{logs}/b", (await aws.Stacks.ResourcesAsync(stack)).Single(r => r.LogicalId == "Renamed").PhysicalId);
        Assert.Contains(await aws.Stacks.EventsAsync(stack), e => e.ClientRequestToken == "run-next" && e.Status == "UPDATE_COMPLETE");
    }

    [Fact]
    public async Task A_change_set_without_changes_fails_and_cannot_be_executed()
    {
        var stack = EmulatorFixture.UniqueName("same");
        await aws.Stacks.CreateAndWaitAsync(stack, Before);

        var created = await CreateChangeSetAsync(stack, "nothing", Before);
        var changeSet = await SettledAsync(created.Text("Id"));
        var execute = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("ExecuteChangeSet", ("ChangeSetName", created.Text("Id"))));

        Assert.Equal("FAILED", changeSet.Text("Status"));
        Assert.Equal("The submitted information didn't contain changes. Submit different information to create a change set.", changeSet.Text("StatusReason"));
        Assert.Equal("UNAVAILABLE", changeSet.Text("ExecutionStatus"));
        Assert.Equal("InvalidChangeSetStatus", execute.Code);
    }

    [Fact]
    public async Task A_change_set_made_before_an_UpdateStack_is_obsolete_and_cannot_be_executed()
    {
        var stack = EmulatorFixture.UniqueName("obsolete");
        await aws.Stacks.CreateAndWaitAsync(stack, Before);
        var created = await CreateChangeSetAsync(stack, "stale", After);
        await SettledAsync(created.Text("Id"));

        await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(stack, Before.Replace("DisplayName: one", "DisplayName: other")));
        var changeSet = await DescribeAsync(created.Text("Id"));
        var execute = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("ExecuteChangeSet", ("ChangeSetName", created.Text("Id"))));

        // "a change set might be ... in an OBSOLETE state because the stack was already updated" (ChangeSetSummary.ExecutionStatus).
        Assert.Equal(("CREATE_COMPLETE", "OBSOLETE"), (changeSet.Text("Status"), changeSet.Text("ExecutionStatus")));
        Assert.Equal("InvalidChangeSetStatus", execute.Code);
        Assert.DoesNotContain(await aws.Stacks.ResourcesAsync(stack), r => r.LogicalId == "Added");
    }

    [Fact]
    public async Task A_create_change_set_puts_the_stack_in_review_and_executing_it_creates_the_stack()
    {
        var stack = EmulatorFixture.UniqueName("review");

        var created = await CreateChangeSetAsync(stack, "initial", Before, "CREATE");
        var review = await aws.Stacks.DescribeAsync(stack);
        var changeSet = await SettledAsync(created.Text("Id"));
        await aws.Stacks.CallAsync("ExecuteChangeSet", ("ChangeSetName", created.Text("Id")), ("ClientRequestToken", "go"));
        await aws.Stacks.CallAsync("ExecuteChangeSet", ("ChangeSetName", created.Text("Id")), ("ClientRequestToken", "go"));
        var done = await aws.Stacks.WaitAsync(stack);

        Assert.Equal("REVIEW_IN_PROGRESS", review.Status);
        Assert.All(changeSet.Members("Changes"), c => Assert.Equal("Add", c.Child("ResourceChange").Text("Action")));
        Assert.Equal(4, changeSet.Members("Changes").Count);
        Assert.Equal("CREATE_COMPLETE", done.Status);
        Assert.Equal(4, (await aws.Stacks.ResourcesAsync(stack)).Count);
        var again = await Assert.ThrowsAsync<AwsError>(() => CreateChangeSetAsync(stack, "second", Before, "CREATE"));
        Assert.Equal("AlreadyExistsException", again.Code);
    }

    [Fact]
    public async Task Change_sets_are_found_by_arn_or_by_name_with_their_stack_and_executing_one_deletes_the_others()
    {
        var stack = EmulatorFixture.UniqueName("lookup");
        await aws.Stacks.CreateAndWaitAsync(stack, Before);
        var first = await CreateChangeSetAsync(stack, "first", After);
        var second = await CreateChangeSetAsync(stack, "second", After, "UPDATE", ("ClientToken", "second-token"));
        var secondAgain = await CreateChangeSetAsync(stack, "second", After, "UPDATE", ("ClientToken", "second-token"));
        await SettledAsync(first.Text("Id"));
        await SettledAsync(second.Text("Id"));

        var withoutStack = await Assert.ThrowsAsync<AwsError>(() => DescribeAsync("first"));
        var byName = await DescribeAsync("first", stack);
        await aws.Stacks.CallAsync("ExecuteChangeSet", ("ChangeSetName", "first"), ("StackName", stack));
        await aws.Stacks.WaitAsync(stack);

        Assert.Equal(second.Text("Id"), secondAgain.Text("Id"));
        Assert.Equal("StackName must be specified if ChangeSetName is not specified as an ARN.", withoutStack.AwsMessage);
        Assert.Equal(first.Text("Id"), byName.Text("ChangeSetId"));
        var gone = await Assert.ThrowsAsync<AwsError>(() => DescribeAsync(second.Text("Id")));
        Assert.Equal(("ChangeSetNotFound", $"ChangeSet [{second.Text("Id")}] does not exist"), (gone.Code, gone.AwsMessage));
    }

    [Fact]
    public async Task A_deleted_change_set_is_gone_and_the_stack_is_untouched()
    {
        var stack = EmulatorFixture.UniqueName("discard");
        await aws.Stacks.CreateAndWaitAsync(stack, Before);
        var created = await CreateChangeSetAsync(stack, "discard", After);
        await SettledAsync(created.Text("Id"));

        await aws.Stacks.CallAsync("DeleteChangeSet", ("ChangeSetName", "discard"), ("StackName", stack));

        var error = await Assert.ThrowsAsync<AwsError>(() => DescribeAsync("discard", stack));
        Assert.Equal("ChangeSetNotFound", error.Code);
        Assert.Equal("CREATE_COMPLETE", (await aws.Stacks.DescribeAsync(stack)).Status);
        Assert.Contains(await aws.Stacks.ResourcesAsync(stack), r => r.LogicalId == "Dropped");
    }
}
