using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Data.Entities;
using Portal.Provisioning.Orders;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;
using Portal.Web.Tests.Api;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// Each deployment style through its whole life on the emulator: provision, release, release, update, decommission. The
/// portal turns on the load balancer's health checks once a release succeeded (ReleaseDeployed) and, under blue/green,
/// switches the live side after each release (LiveColour) with ordinary stack updates; CloudFormation keeps owning the
/// very same Auto Scaling groups throughout (CodeDeploy deploys in place into them and never copies or deletes one).
/// </summary>
public sealed class DeploymentStyleTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Theory]
    [InlineData(DeploymentStyle.InPlace)]
    [InlineData(DeploymentStyle.BlueGreen)]
    [InlineData(DeploymentStyle.Zonal)]
    public async Task Releases_and_updates_keep_the_auto_scaling_groups_CloudFormations(DeploymentStyle style)
    {
        var helpers = new HostApiHelpers(fixture);
        var (_, api) = await helpers.CustomerAsync();
        var first = await helpers.LinkedOperatorAsync();
        var second = await helpers.LinkedOperatorAsync();
        using var repository = await GitLabRepository.CreateAsync(fixture.World.GitLab, "dev", "master");
        var name = $"style-{HostOrderTerms.DeploymentStyleName(style)}";
        var created = await OrderAsync(api, name, style, repository);
        var hostId = created.GetProperty("host").GetProperty("id").GetGuid();
        var host = await fixture.World.WaitForAsync(hostId, HostState.Active, TimeSpan.FromSeconds(120));
        var production = host.Environments.Single(e => e.Kind == EnvironmentKind.Production);
        var groups = await AutoScalingGroupsAsync(production.SoftwareStackName!);
        Assert.Equal("false", await ParameterAsync(production.SoftwareStackName!, "ReleaseDeployed"));
        Assert.Equal(style == DeploymentStyle.BlueGreen ? 2 : 1, groups.Count);

        // The portal registered its hook with the order's api token: each commit pushed reaches it as the stand-in's push hook.
        await StandInPushes.WaitForPortalHookAsync(fixture, repository, "^(dev|master)$");
        foreach (var round in new[] { 1, 2 })
        {
            var commit = repository.Commit("master", $"release {round}", ("README.md", $"release {round}\n"));
            var releaseId = (await StandInPushes.ReleaseOfAsync(fixture, hostId, production.Id, commit, r => r.State == ReleaseState.WaitingForApproval,
                "WaitingForApproval")).Id;
            await ApproveAsync(first, releaseId);
            await ApproveAsync(second, releaseId);
            await WaitAsync(production.Id, releaseId, r => r.State == ReleaseState.Succeeded, "Succeeded");
            // The success is rolled into the software stack by an update of its own: wait for what the stack shows, then for
            // the environment to be at rest again (the database alone can look at rest before the roll-out has begun).
            // Blue/green deploys to the idle side, which goes live: green first, then blue again; the others stay blue.
            var live = style == DeploymentStyle.BlueGreen && round == 1 ? "green" : "blue";
            await Poll.UntilAsync(async () => (await ParameterAsync(production.SoftwareStackName!, "ReleaseDeployed"),
                    await ParameterAsync(production.SoftwareStackName!, "LiveColour")),
                applied => applied == ("true", live), TimeSpan.FromSeconds(90), $"ReleaseDeployed=true and LiveColour={live} in the software stack");
            await WaitAtRestAsync(hostId);
            Assert.Equal(groups, await AutoScalingGroupsAsync(production.SoftwareStackName!));
        }

        await WaitAtRestAsync(hostId);
        var update = await api.PutAsJsonAsync($"/api/v1/hosts/{name}", ChangedOrder(name, style, repository));
        var change = JsonDocument.Parse(await update.Content.ReadAsStringAsync()).RootElement;
        Assert.True(update.IsSuccessStatusCode, change.ToString());
        var changeId = change.GetProperty("id").GetGuid();
        await Poll.UntilAsync(async () => JsonDocument.Parse(await api.GetStringAsync($"/api/v1/hosts/{name}/changes/{changeId}")).RootElement,
            c => c.GetProperty("state").GetString() is "Ready" or "Failed", TimeSpan.FromSeconds(60), "the change's preview", c => c.ToString());
        var confirmed = await api.PostAsync($"/api/v1/hosts/{name}/changes/{changeId}/confirm", null);
        Assert.True(confirmed.IsSuccessStatusCode, await confirmed.Content.ReadAsStringAsync());
        await fixture.World.WaitForAsync(hostId, HostState.Active, TimeSpan.FromSeconds(90));
        Assert.Equal("t3.medium", await ParameterAsync(production.SoftwareStackName!, "InstanceType"));
        Assert.Equal(groups, await AutoScalingGroupsAsync(production.SoftwareStackName!));

        var decommission = await api.DeleteAsync($"/api/v1/hosts/{name}?confirm={name}");
        Assert.True(decommission.IsSuccessStatusCode, await decommission.Content.ReadAsStringAsync());
        var gone = await fixture.World.WaitForAsync(hostId, HostState.Decommissioned, TimeSpan.FromSeconds(120));
        Assert.All(gone.Environments, e => Assert.Equal(EnvironmentState.Decommissioned, e.State));
    }

    private static object OrderBody(string name, DeploymentStyle style, GitLabRepository repository, string plan) => new
    {
        name,
        plan,
        environments = new[] { "dev", "production" },
        gitLabProjectPath = repository.Path,
        gitLabProjectUrl = ProvisioningWorld.ProjectUrlOf(repository.Path),
        gitLabToken = repository.Token,
        healthCheckPath = "/health",
        approverEmails = new[] { "ops@acme.example" },
        databaseEngine = "none",
        deploymentStyle = HostOrderTerms.DeploymentStyleName(style),
    };

    private static object ChangedOrder(string name, DeploymentStyle style, GitLabRepository repository) => OrderBody(name, style, repository, "medium");

    private static async Task<JsonElement> OrderAsync(HttpClient api, string name, DeploymentStyle style, GitLabRepository repository)
    {
        var response = await api.PostAsJsonAsync("/api/v1/hosts", OrderBody(name, style, repository, "small"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task ApproveAsync(HttpClient ops, Guid releaseId)
    {
        var response = await ops.PostAsJsonAsync($"/api/v1/operations/approvals/{releaseId}/approve", new { comment = "ship it" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<Release> WaitAsync(Guid environmentId, Guid releaseId, Func<Release, bool> condition, string what) =>
        ReleasePortalFixture.SyncUntilAsync(fixture.Portal, environmentId, releaseId, condition, what, TimeSpan.FromSeconds(60));

    /// <summary>
    /// Active with nothing due: besides a release's roll-out, a first push asks for a host image whose bake and roll-out
    /// update the stack on their own time, so a moment between two updates is not rest.
    /// </summary>
    private Task WaitAtRestAsync(Guid hostId) =>
        Poll.UntilAsync(() => fixture.World.HostAsync(hostId),
            h => h.State == HostState.Active && h.Environments.All(e => e is
            {
                State: EnvironmentState.Active, ReleaseRolloutDue: false, AmiRolloutDue: false, BakeRequestedAt: null, BakeExecutionId: null,
            }),
            TimeSpan.FromSeconds(120), "the host at rest (no roll-out or bake due)", ProvisioningWorld.Describe);

    private async Task<string?> ParameterAsync(string stackName, string key) =>
        (await CloudFormation.DescribeStackAsync(stackName))!.Parameters.SingleOrDefault(p => p.Key == key)?.Value;

    /// <summary>The stack's Auto Scaling groups, logical id → physical id: the same ids mean the same groups, still the stack's.</summary>
    private async Task<Dictionary<string, string>> AutoScalingGroupsAsync(string stackName) =>
        (await CloudFormation.DescribeStackResourcesAsync(stackName))
            .Where(r => r.ResourceType == "AWS::AutoScaling::AutoScalingGroup")
            .ToDictionary(r => r.LogicalResourceId, r => r.PhysicalResourceId ?? "");

    private ICloudFormation CloudFormation => fixture.Portal.Services.GetRequiredService<ICloudFormation>();
}
