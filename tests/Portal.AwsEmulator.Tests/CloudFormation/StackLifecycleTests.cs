using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.CloudFormation;

/// <summary>Creation order, events, rollback, updates with cleanup, deletion, tokens and the checks CreateStack makes.</summary>
public sealed class StackLifecycleTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private const string Chain = """
        Resources:
          First: { Type: AWS::SNS::Topic }
          Second: { Type: AWS::SNS::Topic, Properties: { DisplayName: !GetAtt First.TopicName } }
          Third: { Type: AWS::SNS::Topic, DependsOn: Second }
          Independent: { Type: AWS::SNS::Topic }
        Outputs:
          First: { Value: !Ref First }
        """;

    [Fact]
    public async Task Resources_are_created_after_what_they_depend_on_and_independent_ones_together()
    {
        var name = EmulatorFixture.UniqueName("order");
        await aws.Stacks.CreateAndWaitAsync(name, Chain);
        var events = (await aws.Stacks.EventsAsync(name)).Reverse().ToList();

        int At(string logicalId, string status) => events.FindIndex(e => e.LogicalId == logicalId && e.Status == status);
        Assert.True(At("Second", "CREATE_IN_PROGRESS") > At("First", "CREATE_COMPLETE"));
        Assert.True(At("Third", "CREATE_IN_PROGRESS") > At("Second", "CREATE_COMPLETE"));
        Assert.True(At("Independent", "CREATE_IN_PROGRESS") < At("First", "CREATE_COMPLETE"), "independent resources are created at the same time");
        Assert.True(At(name, "CREATE_COMPLETE") > At("Third", "CREATE_COMPLETE"));
        var initiated = events.Single(e => e.LogicalId == "First" && e.Reason == "Resource creation Initiated");
        Assert.StartsWith("arn:aws:sns:eu-west-1:000000000000:", initiated.PhysicalId);
    }

    [Fact]
    public async Task Events_are_newest_first_carry_the_client_request_token_and_come_in_pages()
    {
        var name = EmulatorFixture.UniqueName("events");
        var template = "Resources:\n" + string.Concat(Enumerable.Range(1, 40).Select(i => $"  Topic{i}: {{ Type: AWS::SNS::Topic }}\n"));
        await aws.Stacks.CreateAndWaitAsync(name, template, null, ("ClientRequestToken", "create-events-1"));

        var firstPage = await aws.Stacks.CallAsync("DescribeStackEvents", ("StackName", name));
        var events = await aws.Stacks.EventsAsync(name);

        Assert.Equal(100, firstPage.Members("StackEvents").Count);
        Assert.NotNull(firstPage.OptionalText("NextToken"));
        Assert.Equal(40 * 3 + 2, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.Timestamp).Count());
        Assert.Equal((name, "CREATE_COMPLETE"), (events[0].LogicalId, events[0].Status));
        Assert.Equal((name, "CREATE_IN_PROGRESS", "User Initiated"), (events[^1].LogicalId, events[^1].Status, events[^1].Reason));
        Assert.All(events, e => Assert.Equal("create-events-1", e.ClientRequestToken));
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.Timestamp >= pair.Second.Timestamp));
    }

    [Fact]
    public async Task A_failed_resource_rolls_the_creation_back_with_its_reason()
    {
        var name = EmulatorFixture.UniqueName("rollback");
        await aws.Emulator.AddFaultsAsync(new FaultSettings { Resources = [new ResourceFault { StackName = name, LogicalId = "Second", Reason = "Topic quota exceeded" }] });

        var stack = await aws.Stacks.CreateAndWaitAsync(name, Chain);

        Assert.Equal("ROLLBACK_COMPLETE", stack.Status);
        Assert.Equal("The following resource(s) failed to create: [Second]. Rollback requested by user.", stack.Reason);
        Assert.Empty(stack.Outputs);
        var events = await aws.Stacks.EventsAsync(name);
        Assert.Contains(events, e => e.LogicalId == "Second" && e.Status == "CREATE_FAILED" && e.Reason == "Topic quota exceeded");
        Assert.Contains(events, e => e.LogicalId == name && e.Status == "ROLLBACK_IN_PROGRESS" && e.Reason == stack.Reason);
        Assert.DoesNotContain(events, e => e.LogicalId == "Third");
        Assert.All(await aws.Stacks.ResourcesAsync(name), r => Assert.Equal("DELETE_COMPLETE", r.Status));
        var update = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.UpdateAsync(name, Chain));
        Assert.Equal($"Stack:{stack.StackId} is in ROLLBACK_COMPLETE state and can not be updated.", update.AwsMessage);
    }

    [Fact]
    public async Task With_on_failure_do_nothing_the_created_resources_stay()
    {
        var name = EmulatorFixture.UniqueName("keep");
        await aws.Emulator.AddFaultsAsync(new FaultSettings { Resources = [new ResourceFault { StackName = name, LogicalId = "Third", Reason = "no" }] });

        var stack = await aws.Stacks.CreateAndWaitAsync(name, Chain, null, ("OnFailure", "DO_NOTHING"));

        Assert.Equal("CREATE_FAILED", stack.Status);
        var resources = await aws.Stacks.ResourcesAsync(name);
        Assert.Equal("CREATE_COMPLETE", resources.Single(r => r.LogicalId == "First").Status);
        Assert.Equal("CREATE_FAILED", resources.Single(r => r.LogicalId == "Third").Status);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_is_refused()
    {
        var name = EmulatorFixture.UniqueName("noop");
        await aws.Stacks.CreateAndWaitAsync(name, Chain);

        var same = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.UpdateAsync(name, Chain));
        var commentOnly = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.UpdateAsync(name, "# a comment\n" + Chain));
        var previous = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("UpdateStack", ("StackName", name), ("UsePreviousTemplate", "true")));

        Assert.All([same, commentOnly, previous], e => Assert.Equal(("ValidationError", "No updates are to be performed."), (e.Code, e.AwsMessage)));
        Assert.Equal("CREATE_COMPLETE", (await aws.Stacks.DescribeAsync(name)).Status);
    }

    [Fact]
    public async Task An_update_modifies_adds_replaces_and_removes_resources_then_cleans_up()
    {
        var name = EmulatorFixture.UniqueName("update");
        const string before = """
            Resources:
              Kept: { Type: AWS::SNS::Topic, Properties: { DisplayName: one } }
              Renamed: { Type: AWS::Logs::LogGroup, Properties: { LogGroupName: /before } }
              Dropped: { Type: AWS::SNS::Topic }
            """;
        const string after = """
            Resources:
              Kept: { Type: AWS::SNS::Topic, Properties: { DisplayName: two } }
              Renamed: { Type: AWS::Logs::LogGroup, Properties: { LogGroupName: /after } }
              Added: { Type: AWS::SNS::Topic, Properties: { DisplayName: !GetAtt Renamed.Arn } }
            Outputs:
              Added: { Value: !Ref Added }
            """;
        await aws.Stacks.CreateAndWaitAsync(name, before);
        var old = (await aws.Stacks.ResourcesAsync(name)).ToDictionary(r => r.LogicalId, r => r.PhysicalId);

        await aws.Stacks.UpdateAsync(name, after, null, ("ClientRequestToken", "update-1"));
        var stack = await aws.Stacks.WaitAsync(name);

        Assert.Equal("UPDATE_COMPLETE", stack.Status);
        var resources = (await aws.Stacks.ResourcesAsync(name)).ToDictionary(r => r.LogicalId);
        Assert.Equal(["Added", "Kept", "Renamed"], resources.Keys.Order());
        Assert.Equal(old["Kept"], resources["Kept"].PhysicalId);
        Assert.Equal("/after", resources["Renamed"].PhysicalId);
        Assert.Equal(resources["Added"].PhysicalId, stack.Outputs["Added"]);
        var events = (await aws.Stacks.EventsAsync(name)).Reverse().SkipWhile(e => e.Status != "UPDATE_IN_PROGRESS").ToList();
        Assert.Contains(events, e => e.LogicalId == "Renamed" && e.Reason == "Requested update requires the creation of a new physical resource; hence creating one.");
        var cleanup = events.FindIndex(e => e.LogicalId == name && e.Status == "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
        Assert.Contains(events.Skip(cleanup), e => e.LogicalId == "Dropped" && e.Status == "DELETE_COMPLETE" && e.PhysicalId == old["Dropped"]);
        Assert.Contains(events.Skip(cleanup), e => e.LogicalId == "Renamed" && e.Status == "DELETE_COMPLETE" && e.PhysicalId == "/before");
        Assert.Equal((name, "UPDATE_COMPLETE"), (events[^1].LogicalId, events[^1].Status));
        Assert.All(events, e => Assert.Equal("update-1", e.ClientRequestToken));
    }

    [Fact]
    public async Task A_failed_update_rolls_back_to_the_previous_template_and_resources()
    {
        var name = EmulatorFixture.UniqueName("update-rollback");
        await aws.Stacks.CreateAndWaitAsync(name, Chain);
        var old = (await aws.Stacks.ResourcesAsync(name)).ToDictionary(r => r.LogicalId, r => r.PhysicalId);
        await aws.Emulator.AddFaultsAsync(new FaultSettings { Resources = [new ResourceFault { StackName = name, LogicalId = "Independent", Operation = "Update", Reason = "Update refused", Times = 1 }] });
        var changed = Chain.Replace("Independent: { Type: AWS::SNS::Topic }", "Independent: { Type: AWS::SNS::Topic, Properties: { DisplayName: new } }\n  Extra: { Type: AWS::SNS::Topic }");

        await aws.Stacks.UpdateAsync(name, changed);
        var stack = await aws.Stacks.WaitAsync(name);

        Assert.Equal("UPDATE_ROLLBACK_COMPLETE", stack.Status);
        Assert.Equal("The following resource(s) failed to update: [Independent]. ", stack.Reason);
        var resources = (await aws.Stacks.ResourcesAsync(name)).ToDictionary(r => r.LogicalId, r => r.PhysicalId);
        Assert.Equal(old, resources);
        var events = await aws.Stacks.EventsAsync(name);
        Assert.Contains(events, e => e.LogicalId == "Independent" && e.Status == "UPDATE_FAILED" && e.Reason == "Update refused");
        Assert.Contains(events, e => e.LogicalId == "Extra" && e.Status == "DELETE_COMPLETE");
        Assert.Contains(events, e => e.LogicalId == name && e.Status == "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS");
        Assert.Equal("UPDATE_COMPLETE", (await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(name, changed))).Status);
    }

    [Fact]
    public async Task Client_request_tokens_make_repeated_calls_no_ops()
    {
        var name = EmulatorFixture.UniqueName("tokens");
        var first = await aws.Stacks.CreateAsync(name, Chain, null, ("ClientRequestToken", "create-a"));
        var again = await aws.Stacks.CreateAsync(name, Chain, null, ("ClientRequestToken", "create-a"));
        var other = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CreateAsync(name, Chain, null, ("ClientRequestToken", "create-b")));
        await aws.Stacks.WaitAsync(name);

        var changed = Chain.Replace("Independent: { Type: AWS::SNS::Topic }", "Independent: { Type: AWS::SNS::Topic, Properties: { DisplayName: x } }");
        await aws.Stacks.UpdateAsync(name, changed, null, ("ClientRequestToken", "update-a"));
        var retried = await aws.Stacks.UpdateAsync(name, changed, null, ("ClientRequestToken", "update-a"));
        await aws.Stacks.WaitAsync(name);
        await aws.Stacks.DeleteAsync(name, ("ClientRequestToken", "delete-a"));
        await aws.Stacks.DeleteAsync(name, ("ClientRequestToken", "delete-a"));
        var deleted = await aws.Stacks.WaitAsync(first);

        Assert.Equal(first, again);
        Assert.Equal(("AlreadyExistsException", $"Stack [{name}] already exists"), (other.Code, other.AwsMessage));
        Assert.Equal(first, retried);
        Assert.Equal("DELETE_COMPLETE", deleted.Status);
        var events = await aws.Stacks.EventsAsync(first);
        Assert.Equal(1, events.Count(e => e.LogicalId == name && e.Status == "CREATE_IN_PROGRESS"));
        Assert.Equal(1, events.Count(e => e.LogicalId == name && e.Status == "UPDATE_IN_PROGRESS"));
        Assert.Equal(1, events.Count(e => e.LogicalId == name && e.Status == "DELETE_IN_PROGRESS"));
    }

    [Fact]
    public async Task Deleted_stacks_are_found_by_id_only_and_retained_resources_are_skipped()
    {
        var name = EmulatorFixture.UniqueName("delete");
        var id = await aws.Stacks.CreateAsync(name, "Resources:\n  Kept: { Type: AWS::SNS::Topic, DeletionPolicy: Retain }\n  Gone: { Type: AWS::SNS::Topic }\n");
        await aws.Stacks.WaitAsync(id);

        await aws.Stacks.DeleteAsync(name);
        var deleted = await aws.Stacks.WaitAsync(id);

        Assert.Equal("DELETE_COMPLETE", deleted.Status);
        Assert.NotNull(deleted.Raw.OptionalText("DeletionTime"));
        var byName = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DescribeAsync(name));
        Assert.Equal($"Stack with id {name} does not exist", byName.AwsMessage);
        var events = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("DescribeStackEvents", ("StackName", name)));
        var update = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.UpdateAsync(name, Chain));
        Assert.Equal($"Stack [{name}] does not exist", events.AwsMessage);
        Assert.Equal($"Stack [{name}] does not exist", update.AwsMessage);
        var all = await aws.Stacks.CallAsync("DescribeStacks");
        Assert.DoesNotContain(all.Members("Stacks"), s => s.Text("StackId") == id);
        var byId = await aws.Stacks.EventsAsync(id);
        Assert.Contains(byId, e => e.LogicalId == "Kept" && e.Status == "DELETE_SKIPPED");
        Assert.Contains(byId, e => e.LogicalId == "Gone" && e.Status == "DELETE_COMPLETE");
        await aws.Stacks.DeleteAsync(name);
        await aws.Stacks.DeleteAsync("never-existed");
    }

    [Fact]
    public async Task A_resource_that_fails_to_delete_leaves_the_stack_delete_failed_until_a_retry()
    {
        var name = EmulatorFixture.UniqueName("delete-failed");
        await aws.Stacks.CreateAndWaitAsync(name, Chain);
        await aws.Emulator.AddFaultsAsync(new FaultSettings { Resources = [new ResourceFault { StackName = name, LogicalId = "Second", Operation = "Delete", Reason = "in use", Times = 1 }] });

        await aws.Stacks.DeleteAsync(name);
        var failed = await aws.Stacks.WaitAsync(name);
        await aws.Stacks.DeleteAsync(name);
        var deleted = await aws.Stacks.WaitAsync(failed.StackId);

        Assert.Equal(("DELETE_FAILED", "The following resource(s) failed to delete: [Second]. "), (failed.Status, failed.Reason));
        var resources = await aws.Stacks.ResourcesAsync(failed.StackId);
        Assert.Equal("DELETE_COMPLETE", deleted.Status);
        Assert.All(resources, r => Assert.Equal("DELETE_COMPLETE", r.Status));
    }

    [Theory]
    [InlineData("1stack")]
    [InlineData("has_underscore")]
    [InlineData("")]
    public async Task Stack_names_are_checked(string name)
    {
        var error = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CreateAsync(name, Chain));

        Assert.Equal("ValidationError", error.Code);
        Assert.Contains(name.Length == 0 ? "Value null at 'stackName'" : "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*", error.AwsMessage);
    }

    [Fact]
    public async Task Iam_resources_need_the_iam_capability()
    {
        const string role = "Resources:\n  Role: { Type: AWS::IAM::Role, Properties: { AssumeRolePolicyDocument: {} } }\n";
        const string named = "Resources:\n  Role: { Type: AWS::IAM::Role, Properties: { RoleName: fixed, AssumeRolePolicyDocument: {} } }\n";

        var missing = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CreateAsync(EmulatorFixture.UniqueName("iam"), role));
        var notNamed = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CreateAsync(EmulatorFixture.UniqueName("iam"), named, null, ("Capabilities.member.1", "CAPABILITY_IAM")));
        var created = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("iam"), role, null, ("Capabilities.member.1", "CAPABILITY_IAM"));

        Assert.Equal(("InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]"), (missing.Code, missing.AwsMessage));
        Assert.Equal("Requires capabilities : [CAPABILITY_NAMED_IAM]", notNamed.AwsMessage);
        Assert.Equal("CREATE_COMPLETE", created.Status);
    }

    [Fact]
    public async Task Names_given_to_resources_are_unique_in_the_region_until_released()
    {
        var log = $"/apps/{Guid.NewGuid():N}";
        var template = $"Resources:\n  Log: {{ Type: AWS::Logs::LogGroup, Properties: {{ LogGroupName: {log} }} }}\n";

        var first = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("named"), template);
        var second = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("named"), template);
        var renamed = await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(first.Name, template.Replace(log, log + "-renamed")));
        var third = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("named"), template);

        Assert.Equal("CREATE_COMPLETE", first.Status);
        Assert.Equal("ROLLBACK_COMPLETE", second.Status);
        Assert.Contains(await aws.Stacks.EventsAsync(second.StackId), e => e.LogicalId == "Log" && e.Reason?.Contains($"{log} already exists") == true);
        Assert.Equal("UPDATE_COMPLETE", renamed.Status);
        Assert.Equal("CREATE_COMPLETE", third.Status);
    }

    [Fact]
    public async Task A_custom_named_resource_that_needs_replacing_fails_the_update()
    {
        var topic = $"topic-{Guid.NewGuid():N}";
        var name = EmulatorFixture.UniqueName("custom-named");
        await aws.Stacks.CreateAndWaitAsync(name, $"Resources:\n  Topic: {{ Type: AWS::SNS::Topic, Properties: {{ TopicName: {topic} }} }}\n");

        var stack = await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(name, $"Resources:\n  Topic: {{ Type: AWS::SNS::Topic, Properties: {{ TopicName: {topic}, FifoTopic: true }} }}\n"));

        Assert.Equal("UPDATE_ROLLBACK_COMPLETE", stack.Status);
        var failure = (await aws.Stacks.EventsAsync(name)).First(e => e.LogicalId == "Topic" && e.Status == "UPDATE_FAILED");
        Assert.Equal($"CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename arn:aws:sns:eu-west-1:000000000000:{topic} and update the stack again.", failure.Reason);
    }
}
