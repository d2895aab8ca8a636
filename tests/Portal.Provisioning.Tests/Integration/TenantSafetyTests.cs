using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Templates;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>One customer can never reach another's AWS resources: not by a look-alike name, not by a stack someone else made.</summary>
public sealed class TenantSafetyTests : IAsyncLifetime
{
    private const string ForeignTemplate = """{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}""";
    private ProvisioningWorld world = null!;

    public async Task InitializeAsync() => world = await ProvisioningWorld.StartAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    private ICloudFormation CloudFormation => world.Portal.Services.GetRequiredService<ICloudFormation>();

    [Fact]
    public async Task A_stack_of_the_hosts_name_that_is_not_its_own_is_refused_and_left_untouched()
    {
        // Someone else made a stack with exactly the name the host's infrastructure stack will have.
        var key = Host.NewResourceKey();
        var customer = "c" + Guid.NewGuid().ToString("N")[..10];
        var taken = AwsNames.For(customer, "shop", key, EnvironmentKind.Dev).InfrastructureStack;
        var foreignId = await CloudFormation.CreateStackAsync(new CreateStackRequest(taken, ForeignTemplate)
        {
            Tags = [new StackInputTag("owner", "someone-else")],
        });
        await Poll.UntilAsync(() => CloudFormation.DescribeStackAsync(foreignId), s => s?.StackStatus == "CREATE_COMPLETE",
            TimeSpan.FromSeconds(30), "the foreign stack to be created");

        var order = await world.OrderAsync("shop", [EnvironmentKind.Dev], host => host.ResourceKey = key, customer);
        var failed = await world.WaitForAsync(order.Id, HostState.Failed);

        var environment = Assert.Single(failed.Environments);
        Assert.Contains($"A stack named {taken} already exists", environment.StateReason);
        Assert.Contains("not this environment's", environment.StateReason);
        Assert.Null(environment.InfrastructureStackId);
        var foreign = await CloudFormation.DescribeStackAsync(taken);
        Assert.Equal((foreignId, "CREATE_COMPLETE"), (foreign!.StackId, foreign.StackStatus));
        Assert.Equal([new StackInputTag("owner", "someone-else")], foreign.Tags);

        // Decommissioning the failed host deletes nothing of the foreign stack either.
        var operations = world.Portal.Services.GetRequiredService<HostOperations>();
        Assert.True((await operations.DecommissionAsync(new Actor(null, "test"), order.CustomerId, "shop", "shop")).Succeeded);
        await world.WaitForAsync(order.Id, HostState.Decommissioned);
        Assert.Equal("CREATE_COMPLETE", (await CloudFormation.DescribeStackAsync(foreignId))!.StackStatus);
    }

    [Fact]
    public async Task Decommissioning_one_of_two_look_alike_hosts_leaves_the_other_untouched()
    {
        // "acme" + "shop-web" and "acme-labs" + "web" once both named their stacks portal-acme-shop-web-…
        var acme = await world.OrderAsync("shop-web", [EnvironmentKind.Dev], null, "acme" + Guid.NewGuid().ToString("N")[..4]);
        var labs = await world.OrderAsync("web", [EnvironmentKind.Dev], null, acme.Customer.Slug + "-labs");
        var acmeActive = await world.WaitForAsync(acme.Id, HostState.Active);
        var labsActive = await world.WaitForAsync(labs.Id, HostState.Active);
        var acmeStacks = StackIdsOf(acmeActive);
        var labsStacks = StackIdsOf(labsActive);
        Assert.Empty(acmeStacks.Intersect(labsStacks));

        var operations = world.Portal.Services.GetRequiredService<HostOperations>();
        Assert.True((await operations.DecommissionAsync(new Actor(null, "test"), labs.CustomerId, "web", "web")).Succeeded);
        await world.WaitForAsync(labs.Id, HostState.Decommissioned);

        foreach (var stackId in acmeStacks)
            Assert.Equal("CREATE_COMPLETE", (await CloudFormation.DescribeStackAsync(stackId))!.StackStatus);
        Assert.Equal(HostState.Active, (await world.HostAsync(acme.Id)).State);
    }

    private static List<string> StackIdsOf(Host host) =>
        host.Environments.SelectMany(e => new[] { e.InfrastructureStackId!, e.SoftwareStackId! }).ToList();
}
