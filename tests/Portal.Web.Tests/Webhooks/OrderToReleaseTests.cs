using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CodePipeline;
using Portal.Data.Entities;
using Portal.Releases.Starting;
using Portal.Tests.Support.GitLabStandIn;
using Portal.Web.Tests.Api;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// The whole way: a customer orders a host through the API, the portal provisions it at the emulator from the real
/// templates, and the customer's GitLab pushes release through the software stack's own pipeline.
/// </summary>
public sealed class OrderToReleaseTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Pushes_to_an_ordered_host_release_through_its_pipelines_production_waiting_for_approval()
    {
        var helpers = new HostApiHelpers(fixture);
        var (_, api) = await helpers.CustomerAsync();
        using var repository = await GitLabRepository.CreateAsync(fixture.World.GitLab, "dev", "master");
        var created = await HostApiHelpers.OrderAsync(api, "shop", production: true, project: repository.Path, token: repository.Token);
        var hostId = created.GetProperty("host").GetProperty("id").GetGuid();
        var host = await fixture.World.WaitForAsync(hostId, HostState.Active);
        // The portal registered its own hook with the order's api token; from now on a git push is all GitLab needs.
        await StandInPushes.WaitForPortalHookAsync(fixture, repository, "^(dev|master)$");

        // Commits pushed to the project at the stand-in, which delivers GitLab's push hook for each; the portal fetches
        // each one's archive for its pipeline.
        var released = repository.Commit("master", "release it", ("README.md", "release\n"));
        var developed = repository.Commit("dev", "try it", ("README.md", "try\n"));

        var productionEnvironment = host.Environments.Single(e => e.Kind == EnvironmentKind.Production);
        var waiting = await StandInPushes.ReleaseOfAsync(fixture, hostId, productionEnvironment.Id, released,
            r => r.State == ReleaseState.WaitingForApproval, "WaitingForApproval");
        var devEnvironment = host.Environments.Single(e => e.Kind == EnvironmentKind.Dev);
        var succeeded = await StandInPushes.ReleaseOfAsync(fixture, hostId, devEnvironment.Id, developed,
            r => r.State == ReleaseState.Succeeded, "Succeeded");

        Assert.Equal("Approval", waiting.PendingApprovalStage);
        Assert.EndsWith("-approve", waiting.PendingApprovalAction);
        Assert.False(string.IsNullOrEmpty(waiting.PendingApprovalToken));
        Assert.Equal(["Source", "Build", "Deploy"], succeeded.Stages.OrderBy(s => s.Order).Select(s => s.Name));
        var pipelines = fixture.Portal.Services.GetRequiredService<IPipelines>();
        var execution = await pipelines.GetExecutionAsync(productionEnvironment.PipelineName!, waiting.PipelineExecutionId!);
        Assert.Equal(released, execution.Variables[PipelineVariables.CommitId]);
        Assert.Equal("master", execution.Variables[PipelineVariables.Branch]);
        Assert.Equal(repository.Project.Username, execution.Variables[PipelineVariables.Author]);
        // One delivery per push, one release per delivery: the dev commit was built once.
        var commits = new List<string?>();
        foreach (var summary in (await pipelines.ListExecutionsAsync(devEnvironment.PipelineName!)).Items)
            commits.Add((await pipelines.GetExecutionAsync(devEnvironment.PipelineName!, summary.PipelineExecutionId)).Variables
                .GetValueOrDefault(PipelineVariables.CommitId));
        Assert.Single(commits, c => c == developed);
    }
}
