using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CodePipeline;
using Portal.AwsEmulator.Faults;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Releases;
using Portal.Releases.Starting;
using Portal.Releases.Sync;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;

namespace Portal.Web.Tests.Webhooks;

/// <summary>From a GitLab push to CodePipeline at the emulator: exactly one execution per accepted delivery, retries, state sync.</summary>
public sealed class ReleasePipelineTests(ReleasePortalFixture fixture) : IClassFixture<ReleasePortalFixture>, IAsyncLifetime
{
    private readonly HttpClient gitlab = fixture.Portal.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.Emulator.ClearFaultsAsync();

    [Fact]
    public async Task An_accepted_push_starts_exactly_one_execution_with_the_commit_as_variables()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();
        var key = Guid.NewGuid().ToString();
        var after = repository.Commit("dev", "fixed readme", ("README.md", "fixed\n"));
        var body = ReleasePortalFixture.PushOf(repository, "dev", after);

        var releaseId = await AcceptedAsync(await gitlab.SendAsync(GitLabSender.Delivery(body, host.WebhookToken, key, Guid.NewGuid().ToString())));
        var release = await fixture.WaitForReleaseAsync(releaseId, r => r.PipelineExecutionId is not null, "started");
        var resent = await gitlab.SendAsync(GitLabSender.Delivery(body, host.WebhookToken, key, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal(DeliveryStatus.Started, release.PushDelivery!.Status);
        var execution = Assert.Single(await fixture.ExecutionsAsync(host.Pipelines[EnvironmentKind.Dev]));
        Assert.Equal(release.PipelineExecutionId, execution.PipelineExecutionId);
        Assert.Equal("StartPipelineExecution", execution.TriggerType);
        var detail = await fixture.Pipelines.GetExecutionAsync(host.Pipelines[EnvironmentKind.Dev], execution.PipelineExecutionId);
        Assert.Equal(after, detail.Variables[PipelineVariables.CommitId]);
        Assert.Equal("dev", detail.Variables[PipelineVariables.Branch]);
        Assert.Equal("jsmith", detail.Variables[PipelineVariables.Author]);
        Assert.Equal("fixed readme", detail.Variables[PipelineVariables.Message]);
        await Task.Delay(500); // Several poll rounds of the starters: the resent delivery must not have started anything.
        Assert.Single(await fixture.ExecutionsAsync(host.Pipelines[EnvironmentKind.Dev]));
    }

    [Fact]
    public async Task A_push_held_while_the_environment_was_updating_starts_by_itself_once_it_is_Active()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();
        await SetDevStateAsync(host, EnvironmentState.Updating);

        var after = repository.Commit("dev", "while updating", ("README.md", "held\n"));
        var held = await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev", after), host.WebhookToken));
        Assert.Equal("held", (await held.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        // Only the environment's state changes, as the provisioning journey writes it; nobody tells the release side.
        await SetDevStateAsync(host, EnvironmentState.Active);

        var executions = await Poll.UntilAsync(() => fixture.ExecutionsAsync(host.Pipelines[EnvironmentKind.Dev]), found => found.Count > 0,
            TimeSpan.FromSeconds(30), "the held push to start its pipeline", found => $"{found.Count} executions");
        Assert.Single(executions);
    }

    private Task<int> SetDevStateAsync(TestHost host, EnvironmentState state) => fixture.Portal.WithScopeAsync(services =>
        services.GetRequiredService<Portal.Data.PortalDbContext>().HostEnvironments
            .Where(e => e.Id == host.Environments[EnvironmentKind.Dev])
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.State, state)));

    [Fact]
    public async Task Many_pushes_some_sent_twice_at_once_start_one_execution_each()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();
        var commits = Enumerable.Range(0, 8).Select(i => repository.Commit("staging", $"change {i}", ($"change-{i}.txt", $"{i}\n"))).ToList();
        var deliveries = commits.Select(after => (Key: Guid.NewGuid().ToString(), Body: ReleasePortalFixture.PushOf(repository, "staging", after))).ToList();

        var responses = await Task.WhenAll(deliveries.Concat(deliveries).Select(d =>
            fixture.Portal.CreateClient().SendAsync(GitLabSender.Delivery(d.Body, host.WebhookToken, d.Key, Guid.NewGuid().ToString()))));

        Assert.Equal(8, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(8, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var releaseIds = new List<Guid>();
        foreach (var accepted in responses.Where(r => r.StatusCode == HttpStatusCode.Accepted)) releaseIds.Add(await AcceptedAsync(accepted));
        foreach (var id in releaseIds) await fixture.WaitForReleaseAsync(id, r => r.PipelineExecutionId is not null, "started");
        await Task.Delay(300);
        var executions = await fixture.ExecutionsAsync(host.Pipelines[EnvironmentKind.Staging]);
        Assert.Equal(8, executions.Count);
        var started = new List<string>();
        foreach (var execution in executions)
            started.Add((await fixture.Pipelines.GetExecutionAsync(host.Pipelines[EnvironmentKind.Staging], execution.PipelineExecutionId))
                .Variables[PipelineVariables.CommitId]);
        Assert.Equal(commits.Order(), started.Order());
    }

    [Fact]
    public async Task Throttling_is_retried_until_the_pipeline_starts_once()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();
        await fixture.Emulator.AddFaultsAsync(new FaultSettings
        {
            Operations = [new OperationFault { Operation = "codepipeline:StartPipelineExecution", ThrottleRate = 1, Times = 2 }],
        });

        var releaseId = await AcceptedAsync(await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev"), host.WebhookToken)));
        var release = await fixture.WaitForReleaseAsync(releaseId, r => r.PipelineExecutionId is not null, "started");

        Assert.Equal(3, release.StartAttempts);
        Assert.NotEqual(ReleaseState.Failed, release.State);
        Assert.Single(await fixture.ExecutionsAsync(host.Pipelines[EnvironmentKind.Dev]));
    }

    [Fact]
    public async Task When_retries_run_out_the_release_fails_with_AWS_reason_and_a_retry_starts_it_once()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();
        var pipeline = host.Pipelines[EnvironmentKind.Dev];
        await fixture.Emulator.AddFaultsAsync(new FaultSettings
        {
            Operations = [new OperationFault { Operation = "codepipeline:StartPipelineExecution", ThrottleRate = 1 }],
        });

        var releaseId = await AcceptedAsync(await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev"), host.WebhookToken)));
        var failed = await fixture.WaitForReleaseAsync(releaseId, r => r.State == ReleaseState.Failed, "Failed");

        Assert.Equal(4, failed.StartAttempts);
        Assert.Contains("after 4 attempts", failed.StateReason);
        Assert.Contains("Rate exceeded", failed.StateReason);
        Assert.Equal(DeliveryStatus.Failed, failed.PushDelivery!.Status);
        Assert.Empty(await fixture.ExecutionsAsync(pipeline));

        await fixture.Emulator.ClearFaultsAsync();
        var result = await RetryAsync(releaseId);
        var started = await fixture.WaitForReleaseAsync(releaseId, r => r.PipelineExecutionId is not null, "started");

        Assert.Equal(ActionOutcome.Done, result);
        Assert.Equal(failed.ClientRequestToken, started.ClientRequestToken); // AWS never started one: the same token is safe.
        Assert.Equal(DeliveryStatus.Started, started.PushDelivery!.Status);
        Assert.Single(await fixture.ExecutionsAsync(pipeline));
        Assert.Equal(ActionOutcome.Conflict, await RetryAsync(releaseId));
    }

    [Fact]
    public async Task A_missing_pipeline_fails_the_release_at_once_with_AWS_reason()
    {
        var repository = await Portal.Tests.Support.GitLabStandIn.GitLabRepository.CreateAsync(fixture.GitLab, "dev");
        // No pipelines created at the emulator.
        var host = await fixture.Portal.CreateHostAsync(repository.ProjectId, repository.Path, gitLabToken: repository.Token);

        var releaseId = await AcceptedAsync(await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev"), host.WebhookToken)));
        var failed = await fixture.WaitForReleaseAsync(releaseId, r => r.State == ReleaseState.Failed, "Failed");

        Assert.Equal(1, failed.StartAttempts);
        Assert.Contains("PipelineNotFoundException", failed.StateReason);
        Assert.Contains(host.Pipelines[EnvironmentKind.Dev], failed.StateReason);
    }

    [Fact]
    public async Task State_sync_follows_the_stages_the_pending_approval_and_the_success()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();

        var releaseId = await AcceptedAsync(await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "master"), host.WebhookToken)));
        // The recurring sync (every second here) finds the execution waiting at the production approval.
        var waiting = await fixture.WaitForReleaseAsync(releaseId, r => r.State == ReleaseState.WaitingForApproval, "WaitingForApproval");

        Assert.Equal(EmulatorPipelines.ApprovalStage, waiting.PendingApprovalStage);
        Assert.Equal(EmulatorPipelines.ApprovalAction, waiting.PendingApprovalAction);
        Assert.False(string.IsNullOrEmpty(waiting.PendingApprovalToken));
        Assert.NotNull(waiting.WaitingSince);
        Assert.Equal(["Source:Succeeded", "Build:Succeeded", "Approval:InProgress"],
            waiting.Stages.OrderBy(s => s.Order).Select(s => $"{s.Name}:{s.Status}"));

        await fixture.Pipelines.PutApprovalResultAsync(new ApprovalResultRequest(host.Pipelines[EnvironmentKind.Production],
            waiting.PendingApprovalStage!, waiting.PendingApprovalAction!, waiting.PendingApprovalToken!, Approved: true, "Looks good"));
        var environment = host.Environments[EnvironmentKind.Production];
        var succeeded = await WaitWithRefreshAsync(environment, releaseId, r => r.State == ReleaseState.Succeeded, "Succeeded");

        Assert.Null(succeeded.PendingApprovalToken);
        Assert.Null(succeeded.PendingApprovalStage);
        Assert.Null(succeeded.WaitingSince);
        Assert.Equal(["Source:Succeeded", "Build:Succeeded", "Approval:Succeeded", "Deploy:Succeeded"],
            succeeded.Stages.OrderBy(s => s.Order).Select(s => $"{s.Name}:{s.Status}"));
    }

    [Fact]
    public async Task Syncs_running_at_once_save_each_stage_once_and_none_fails()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();
        var environment = host.Environments[EnvironmentKind.Production];

        var releaseId = await AcceptedAsync(await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "master"), host.WebhookToken)));
        await fixture.WaitForReleaseAsync(releaseId, r => r.PipelineExecutionId is not null, "started");
        // Operators deciding, pages refreshing and the recurring sync all sync at once while the execution finds its stages.
        for (var round = 0; round < 10; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => fixture.Portal.WithScopeAsync(services =>
                services.GetRequiredService<ReleaseStateSync>().SyncEnvironmentAsync(environment, default))));
            await Task.Delay(30);
        }
        var waiting = await WaitWithRefreshAsync(environment, releaseId, r => r.State == ReleaseState.WaitingForApproval, "WaitingForApproval");

        Assert.Equal(["Source:Succeeded", "Build:Succeeded", "Approval:InProgress"],
            waiting.Stages.OrderBy(s => s.Order).Select(s => $"{s.Name}:{s.Status}"));
    }

    [Fact]
    public async Task A_failed_action_fails_the_release_and_a_retry_runs_the_commit_again_under_a_new_token()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();
        var pipeline = host.Pipelines[EnvironmentKind.Staging];
        await fixture.Emulator.AddFaultsAsync(new FaultSettings
        {
            Actions = [new ActionFault { PipelineName = pipeline, StageName = "Build", Code = "JobFailed", Message = "npm test: 3 failing", Times = 1 }],
        });

        var releaseId = await AcceptedAsync(await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "staging"), host.WebhookToken)));
        var failed = await WaitWithRefreshAsync(host.Environments[EnvironmentKind.Staging], releaseId, r => r.State == ReleaseState.Failed, "Failed");

        Assert.Contains("npm test: 3 failing", string.Join(" ", failed.StateReason, failed.Stages.Single(s => s.Name == "Build").Summary));
        Assert.Equal("Failed", failed.Stages.Single(s => s.Name == "Build").Status);

        Assert.Equal(ActionOutcome.Done, await RetryAsync(releaseId));
        var rerun = await WaitWithRefreshAsync(host.Environments[EnvironmentKind.Staging], releaseId, r => r.State == ReleaseState.Succeeded, "Succeeded");

        Assert.Equal(failed.ClientRequestToken + "-r1", rerun.ClientRequestToken);
        Assert.NotEqual(failed.PipelineExecutionId, rerun.PipelineExecutionId);
        Assert.Equal(2, (await fixture.ExecutionsAsync(pipeline)).Count);
    }

    private Task<Release> WaitWithRefreshAsync(Guid environmentId, Guid releaseId, Func<Release, bool> condition, string what) =>
        ReleasePortalFixture.SyncUntilAsync(fixture.Portal, environmentId, releaseId, condition, what, TimeSpan.FromSeconds(30));

    private async Task<ActionOutcome> RetryAsync(Guid releaseId) => (await fixture.Portal.WithScopeAsync(services =>
        services.GetRequiredService<ReleaseActions>().RetryAsync(releaseId, new Actor(null, "operator@example.test"), default))).Outcome;

    private static async Task<Guid> AcceptedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", answer.GetProperty("status").GetString());
        return answer.GetProperty("releaseId").GetGuid();
    }
}
