using System.Net;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Emulator;

/// <summary>The admin endpoints that clear things: fault rules and the whole state.</summary>
public sealed class AdminTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Faults_are_listed_removed_one_by_one_or_cleared()
    {
        var added = await aws.Emulator.AddFaultsAsync(new FaultSettings
        {
            Operations = [new OperationFault { Operation = "secretsmanager:CreateSecret", ThrottleRate = 1 }],
            Resources = [new ResourceFault { ResourceType = "AWS::SNS::Topic", Reason = "no topics today" }],
        });
        using var http = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };

        var removed = await http.DeleteAsync($"/_emulator/faults/{added.Resources[0].Id}");
        var listed = await aws.Emulator.FaultsAsync();
        await aws.Emulator.ClearFaultsAsync();
        var cleared = await aws.Emulator.FaultsAsync();

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Contains(listed.Operations, r => r.Id == added.Operations[0].Id);
        Assert.DoesNotContain(listed.Resources, r => r.Id == added.Resources[0].Id);
        Assert.Empty(cleared.Operations);
        Assert.Equal("CREATE_COMPLETE", (await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("after"), "Resources:\n  T: { Type: AWS::SNS::Topic }\n")).Status);
    }

    [Fact]
    public async Task Reset_forgets_stacks_and_rules_but_seeds_the_configured_listeners_again()
    {
        var stack = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("before-reset"), "Resources:\n  T: { Type: AWS::SNS::Topic }\n");

        await aws.Emulator.ResetAsync();

        Assert.Equal(0, (await aws.Emulator.StatsAsync()).Total);
        await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DescribeAsync(stack.StackId));
        Assert.Empty((await aws.Stacks.CallAsync("DescribeStacks")).Members("Stacks"));
        Assert.Equal("default", Assert.Single(await aws.LoadBalancing.RulesAsync(EmulatorFixture.SharedListenerArn)).Priority);
    }
}
