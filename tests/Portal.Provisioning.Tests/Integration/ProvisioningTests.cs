using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;
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
}
