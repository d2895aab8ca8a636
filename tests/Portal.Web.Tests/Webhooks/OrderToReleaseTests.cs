using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;
using Portal.Provisioning.Releases;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Web.Tests.Api;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// The whole way: a customer orders a host through the API, the portal provisions it at the emulator from the real
/// templates, and the customer's GitLab pushes release through the software stack's own pipeline.
/// </summary>
public sealed class OrderToReleaseTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string After = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";

    [Fact]
    public async Task Pushes_to_an_ordered_host_release_through_its_pipelines_production_waiting_for_approval()
    {
        var helpers = new HostApiHelpers(fixture);
        var (_, api) = await helpers.CustomerAsync();
        var project = $"acme/shop-{Guid.NewGuid():N}"[..20];
        var created = await HostApiHelpers.OrderAsync(api, "shop", production: true, project: project);
        var hostId = created.GetProperty("host").GetProperty("id").GetGuid();
        var webhookToken = created.GetProperty("webhookToken").GetString()!;
        var host = await fixture.World.WaitForAsync(hostId, HostState.Active);
        using var gitlab = fixture.Portal.CreateClient();

        // GitLab sends the project's id, which the order did not know: the host is found by its path.
        var projectId = WebhookPortalFixture.NewProjectId();
        var production = await ReleaseAsync(await gitlab.SendAsync(GitLabSender.Push(
            GitLabPayloads.Push("refs/heads/master", projectId, project.ToUpperInvariant()), webhookToken)));
        var dev = await ReleaseAsync(await gitlab.SendAsync(GitLabSender.Push(
            GitLabPayloads.Push("refs/heads/dev", projectId, project), webhookToken)));

        var productionEnvironment = host.Environments.Single(e => e.Kind == EnvironmentKind.Production);
        var waiting = await WaitAsync(productionEnvironment.Id, production, r => r.State == ReleaseState.WaitingForApproval, "WaitingForApproval");
        var devEnvironment = host.Environments.Single(e => e.Kind == EnvironmentKind.Dev);
        var succeeded = await WaitAsync(devEnvironment.Id, dev, r => r.State == ReleaseState.Succeeded, "Succeeded");

        Assert.Equal("Approval", waiting.PendingApprovalStage);
        Assert.EndsWith("-approve", waiting.PendingApprovalAction);
        Assert.False(string.IsNullOrEmpty(waiting.PendingApprovalToken));
        Assert.Equal(["Source", "Build", "Deploy"], succeeded.Stages.OrderBy(s => s.Order).Select(s => s.Name));
        var pipelines = fixture.Portal.Services.GetRequiredService<IPipelines>();
        var execution = await pipelines.GetExecutionAsync(productionEnvironment.PipelineName!, waiting.PipelineExecutionId!);
        Assert.Equal(After, execution.Variables[PipelineVariables.CommitId]);
        Assert.Equal("master", execution.Variables[PipelineVariables.Branch]);
        Assert.Equal("jsmith", execution.Variables[PipelineVariables.Author]);
        Assert.Single((await pipelines.ListExecutionsAsync(devEnvironment.PipelineName!)).Items);
    }

    private Task<Release> WaitAsync(Guid environmentId, Guid releaseId, Func<Release, bool> condition, string what) =>
        ReleasePortalFixture.SyncUntilAsync(fixture.Portal, environmentId, releaseId, condition, what, TimeSpan.FromSeconds(60));

    private static async Task<Guid> ReleaseAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("releaseId").GetGuid();
    }
}
