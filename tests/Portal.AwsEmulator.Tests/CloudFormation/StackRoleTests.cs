using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.CloudFormation;

/// <summary>A stack's name is taken while it lives; its tags and its service role (RoleARN) are kept and shown by DescribeStacks.</summary>
public sealed class StackRoleTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private const string Topic = "Resources:\n  Topic: { Type: AWS::SNS::Topic }\n";
    private const string DeployRole = "arn:aws:iam::000000000000:role/portal-deploy";
    private const string OtherRole = "arn:aws:iam::000000000000:role/path/portal-other";

    private static string? Role(StackView stack) => stack.Raw.OptionalText("RoleARN");

    [Fact]
    public async Task A_name_in_use_is_refused_until_the_stack_is_deleted_and_tags_are_shown()
    {
        var name = EmulatorFixture.UniqueName("taken");
        var first = await aws.Stacks.CreateAndWaitAsync(name, Topic, null, ("Tags.member.1.Key", "portal:customer"), ("Tags.member.1.Value", "acme"));

        var again = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CreateAsync(name, Topic));
        await aws.Stacks.DeleteAsync(name);
        await aws.Stacks.WaitAsync(first.StackId);
        var second = await aws.Stacks.CreateAndWaitAsync(name, Topic);

        Assert.Equal(("AlreadyExistsException", $"Stack [{name}] already exists", 400), (again.Code, again.AwsMessage, again.Status));
        Assert.Equal([("portal:customer", "acme")], first.Raw.Members("Tags").Select(t => (t.Text("Key"), t.Text("Value"))));
        Assert.NotEqual(first.StackId, second.StackId);
        Assert.Equal("CREATE_COMPLETE", second.Status);
    }

    [Theory]
    [InlineData("short", "1 validation error detected: Value 'short' at 'roleARN' failed to satisfy constraint: Member must have length greater than or equal to 20")]
    [InlineData("AWSCloudFormationExecutionRole", "AWSCloudFormationExecutionRole is not a valid RoleARN")]
    [InlineData("arn:aws:iam::000000000000:user/deployer", "arn:aws:iam::000000000000:user/deployer is not a valid RoleARN")]
    [InlineData("arn:aws:iam::123456789012:role/elsewhere", "Role arn:aws:iam::123456789012:role/elsewhere is invalid or cannot be assumed")]
    public async Task A_role_arn_that_is_not_a_role_of_the_account_is_refused(string role, string message)
    {
        var name = EmulatorFixture.UniqueName("bad-role");

        var create = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CreateAsync(name, Topic, null, ("RoleARN", role)));
        var changeSet = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("CreateChangeSet",
            ("StackName", name), ("ChangeSetName", "c1"), ("ChangeSetType", "CREATE"), ("TemplateBody", Topic), ("RoleARN", role)));

        Assert.Equal(("ValidationError", message), (create.Code, create.AwsMessage));
        Assert.Equal(("ValidationError", message), (changeSet.Code, changeSet.AwsMessage));
        Assert.Equal("ValidationError", (await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DescribeAsync(name))).Code);
    }

    [Fact]
    public async Task The_role_is_recorded_kept_when_later_calls_name_none_and_replaced_when_one_names_another()
    {
        var name = EmulatorFixture.UniqueName("role");
        var created = await aws.Stacks.CreateAndWaitAsync(name, Topic, null, ("RoleARN", DeployRole));
        var kept = await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(name, Topic.Replace("Topic }", "Topic, Properties: { DisplayName: a } }")));
        var replaced = await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(name, Topic, null, ("RoleARN", OtherRole)));
        await aws.Stacks.CallAsync("CreateChangeSet", ("StackName", name), ("ChangeSetName", "back"), ("TemplateBody", Topic.Replace("Topic }", "Topic, Properties: { DisplayName: b } }")),
            ("RoleARN", DeployRole));
        await PipelineCalls.UntilAsync("change set", async () =>
            (await aws.Stacks.CallAsync("DescribeChangeSet", ("StackName", name), ("ChangeSetName", "back"))).Text("Status") == "CREATE_COMPLETE" ? "yes" : null);
        await aws.Stacks.CallAsync("ExecuteChangeSet", ("StackName", name), ("ChangeSetName", "back"));
        var executed = await aws.Stacks.WaitAsync(name);
        await aws.Stacks.DeleteAsync(name, ("RoleARN", OtherRole));
        var deleted = await aws.Stacks.WaitAsync(created.StackId);

        Assert.Equal((DeployRole, DeployRole, OtherRole, DeployRole, OtherRole), (Role(created), Role(kept), Role(replaced), Role(executed), Role(deleted)));
        Assert.Equal(("UPDATE_COMPLETE", "DELETE_COMPLETE"), (executed.Status, deleted.Status));
        Assert.Null(Role(await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("no-role"), Topic)));
    }
}
