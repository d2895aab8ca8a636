using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Releases.Starting;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// The portal goes away between accepting a push and starting its pipeline; the next portal on the same database starts
/// it, once. The first portal runs without a job server, so it accepts (202) and is gone before any starter could run.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private EmulatorHost emulator = null!;
    private StandInHost gitLab = null!;
    private string connectionString = null!;

    public async Task InitializeAsync()
    {
        emulator = await EmulatorHost.StartAsync();
        await EmulatorPipelines.SeedAsync(emulator);
        gitLab = await StandInHost.StartAsync();
        connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("crash");
    }

    public async Task DisposeAsync()
    {
        await emulator.DisposeAsync();
        await gitLab.DisposeAsync();
    }

    [Fact]
    public async Task A_push_accepted_just_before_the_portal_died_starts_once_after_restart()
    {
        TestHost host;
        Guid releaseId;
        await using (var dying = await PortalHost.StartAsync(connectionString, ReleasePortalFixture.Settings(emulator, gitLab, runJobServer: false)))
        {
            (host, var repository) = await ReleasePortalFixture.CreateHostWithPipelinesAsync(dying, gitLab);
            using var gitlab = dying.CreateClient();
            var response = await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev"), host.WebhookToken));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            releaseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("releaseId").GetGuid();
            var delivery = await dying.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().PushDeliveries.AsNoTracking()
                .SingleAsync(d => d.ReleaseId == releaseId));
            Assert.Equal(DeliveryStatus.Accepted, delivery.Status); // Recorded; neither made into a release nor started.
        }
        var pipeline = host.Pipelines[EnvironmentKind.Dev];

        await using var restarted = await PortalHost.StartAsync(connectionString, ReleasePortalFixture.Settings(emulator, gitLab, runJobServer: true));
        var release = await ReleasePortalFixture.WaitForReleaseAsync(restarted, releaseId, r => r.PipelineExecutionId is not null, "started");

        var pipelines = (IPipelines)restarted.Services.GetService(typeof(IPipelines))!;
        var execution = Assert.Single((await pipelines.ListExecutionsAsync(pipeline)).Items);
        Assert.Equal(release.PipelineExecutionId, execution.PipelineExecutionId);
    }

    [Fact]
    public async Task A_start_that_reached_AWS_but_was_never_recorded_is_not_started_a_second_time()
    {
        TestHost host;
        Guid releaseId;
        string lostExecutionId;
        await using (var dying = await PortalHost.StartAsync(connectionString, ReleasePortalFixture.Settings(emulator, gitLab, runJobServer: false)))
        {
            (host, var repository) = await ReleasePortalFixture.CreateHostWithPipelinesAsync(dying, gitLab);
            using var gitlab = dying.CreateClient();
            var response = await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev"), host.WebhookToken));
            releaseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("releaseId").GetGuid();
            // What a starter does before it records the answer: it makes the release, AWS starts the execution, the portal dies.
            await dying.WithScopeAsync(services => WebhookPortalFixture.MakeReleasesAsync(services, 10));
            var release = await ReleasePortalFixture.ReleaseAsync(dying, releaseId);
            var pipelines = (IPipelines)dying.Services.GetService(typeof(IPipelines))!;
            lostExecutionId = await pipelines.StartExecutionAsync(new StartPipelineExecutionRequest(host.Pipelines[EnvironmentKind.Dev])
            {
                ClientRequestToken = release.ClientRequestToken,
                Variables = PipelineVariables.For(release),
            });
        }

        await using var restarted = await PortalHost.StartAsync(connectionString, ReleasePortalFixture.Settings(emulator, gitLab, runJobServer: true));
        var started = await ReleasePortalFixture.WaitForReleaseAsync(restarted, releaseId, r => r.PipelineExecutionId is not null, "started");

        Assert.Equal(lostExecutionId, started.PipelineExecutionId);
        var pipelinesAfter = (IPipelines)restarted.Services.GetService(typeof(IPipelines))!;
        Assert.Single((await pipelinesAfter.ListExecutionsAsync(host.Pipelines[EnvironmentKind.Dev])).Items);
    }
}
