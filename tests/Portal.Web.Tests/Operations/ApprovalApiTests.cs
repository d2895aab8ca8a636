using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.AwsEmulator.Faults;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Releases;
using Portal.Web.Tests.Api;

using static Portal.Web.Tests.Operations.ApprovalApi;

namespace Portal.Web.Tests.Operations;

/// <summary>The approval rules through the operators' API, against CodePipeline at the emulator.</summary>
public sealed class ApprovalApiTests(OperatorPortalFixture fixture) : IClassFixture<OperatorPortalFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.Emulator.ClearFaultsAsync();

    [Fact]
    public async Task One_operator_approves_a_staging_release_and_the_execution_deploys()
    {
        var (host, projectId) = await fixture.HostAsync();
        var releaseId = await fixture.PushAsync(host, projectId, "staging");
        var waiting = await fixture.WaitingAsync(releaseId);
        var ops = await fixture.OperatorAsync();

        var listed = await ListAsync(ops);
        var item = listed.Single(a => a.GetProperty("releaseId").GetGuid() == releaseId);
        Assert.Equal("staging", item.GetProperty("environment").GetString());
        Assert.Equal(1, item.GetProperty("requiredApprovals").GetInt32());
        Assert.Equal(["Source", "Build", "Approval"], item.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("jsmith", item.GetProperty("authorUsername").GetString());
        Assert.DoesNotContain(waiting.PendingApprovalToken!, item.ToString());

        var decided = await DecideAsync(ops, releaseId, "approve", "Looks good on staging.");

        Assert.Equal("Approved", decided.GetProperty("outcome").GetString());
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Staging], waiting.PipelineExecutionId!, "Succeeded");
        var release = await fixture.WaitForReleaseAsync(releaseId, ReleaseState.Succeeded);
        Assert.Contains(release.Stages, s => s is { Name: "Deploy", Status: "Succeeded" });
        var decision = Assert.Single(await fixture.DecisionsAsync(releaseId));
        Assert.Equal((ops.User.Id, ApprovalOutcome.Approved, "Looks good on staging.", true), (decision.OperatorId, decision.Outcome, decision.Comment, decision.SentToAws));
        var audit = (await fixture.AuditAsync(host.Id)).Single(a => a.Action == "release.approved");
        Assert.Equal(ops.Email, audit.ActorName);
        Assert.Contains("Looks good on staging.", audit.Details);
    }

    [Fact]
    public async Task Production_needs_two_different_operators_and_never_the_pusher()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 2);
        var pusher = await fixture.OperatorAsync();
        // GitLab hides a private e-mail and the pusher may have been renamed since: only the user id names them.
        var releaseId = await fixture.PushAsync(host, projectId, "master", pusher: "someone-else", pusherEmail: "[REDACTED]",
            pusherId: pusher.GitLabUserId);
        var waiting = await fixture.WaitingAsync(releaseId);
        // Same name and e-mail as the push, another GitLab user: names are not identities, so this one may approve.
        var namesake = await fixture.OperatorAsync(email: "someone-else@acme.example");
        var second = await fixture.OperatorAsync();
        var callsBefore = await fixture.PutApprovalResultCallsAsync();

        var own = await HostApiHelpers.ProblemAsync(await PostAsync(pusher, releaseId, "approve", "mine, fine"), HttpStatusCode.Forbidden);
        var recorded = await DecideAsync(namesake, releaseId, "approve", "QC passed.");
        var twice = await HostApiHelpers.ProblemAsync(await PostAsync(namesake, releaseId, "approve", "Again."), HttpStatusCode.Conflict);
        var ownAgain = await HostApiHelpers.ProblemAsync(await PostAsync(pusher, releaseId, "approve", "now it only needs mine"), HttpStatusCode.Forbidden);

        Assert.Equal("You pushed this commit", own.GetProperty("title").GetString());
        Assert.Contains("GitLab user someone-else", ownAgain.GetProperty("detail").GetString());
        Assert.Equal(("Recorded", 1, 2), (recorded.GetProperty("outcome").GetString(), recorded.GetProperty("approvals").GetInt32(), recorded.GetProperty("requiredApprovals").GetInt32()));
        Assert.Equal("You already decided", twice.GetProperty("title").GetString());
        // Nothing has reached AWS yet: the execution still waits at the same approval.
        Assert.Equal(callsBefore, await fixture.PutApprovalResultCallsAsync());
        var state = await fixture.Pipelines.GetStateAsync(host.Pipelines[EnvironmentKind.Production]);
        Assert.Equal(waiting.PendingApprovalToken, state.Stages.Single(s => s.StageName == "Approval").Actions.Single().LatestExecution!.Token);
        var listedForPusher = (await ListAsync(pusher)).Single(a => a.GetProperty("releaseId").GetGuid() == releaseId);
        Assert.True(listedForPusher.GetProperty("pushedByYou").GetBoolean());
        var listed = (await ListAsync(second)).Single(a => a.GetProperty("releaseId").GetGuid() == releaseId);
        Assert.False(listed.GetProperty("pushedByYou").GetBoolean());
        Assert.Equal(1, listed.GetProperty("approvals").GetInt32());
        Assert.Equal(namesake.Email, listed.GetProperty("decisions")[0].GetProperty("operator").GetString());

        var approved = await DecideAsync(second, releaseId, "approve", "PMO agrees.");

        Assert.Equal(("Approved", 2), (approved.GetProperty("outcome").GetString(), approved.GetProperty("approvals").GetInt32()));
        Assert.Equal(callsBefore + 1, await fixture.PutApprovalResultCallsAsync());
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Succeeded");
        await fixture.WaitForReleaseAsync(releaseId, ReleaseState.Succeeded);
        var decisions = await fixture.DecisionsAsync(releaseId);
        Assert.Equal([(namesake.User.Id, false), (second.User.Id, true)], decisions.Select(d => (d.OperatorId, d.SentToAws)));
        var actions = (await fixture.AuditAsync(host.Id)).Select(a => a.Action).ToList();
        Assert.Equal(3, actions.Count(a => a == "release.decision-refused"));
        Assert.Contains("release.approval-recorded", actions);
        Assert.Contains("release.approved", actions);
    }

    [Fact]
    public async Task A_host_set_to_one_approval_releases_production_on_the_first()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);
        var ops = await fixture.OperatorAsync();

        var approved = await DecideAsync(ops, releaseId, "approve", "Single approval host.");

        Assert.Equal("Approved", approved.GetProperty("outcome").GetString());
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Succeeded");
    }

    [Fact]
    public async Task A_rejection_after_an_approval_fails_the_execution_and_a_retried_release_waits_for_new_decisions()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 2);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);
        var first = await fixture.OperatorAsync();
        var second = await fixture.OperatorAsync();
        await DecideAsync(first, releaseId, "approve", "Fine by me.");

        var rejected = await DecideAsync(second, releaseId, "reject", "Breaks the checkout, see ticket 42.");

        Assert.Equal("Rejected", rejected.GetProperty("outcome").GetString());
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Failed");
        var failed = await fixture.WaitForReleaseAsync(releaseId, ReleaseState.Failed);
        Assert.Contains(failed.Stages, s => s is { Name: "Approval", Status: "Failed" });

        // Run again, the release waits at a new approval: the earlier decisions no longer count and both may decide again.
        Assert.Equal(ActionOutcome.Done, (await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<ReleaseActions>().RetryAsync(releaseId, Portal.Data.Audit.Actor.System, default))).Outcome);
        var again = await fixture.WaitingAsync(releaseId);
        Assert.NotEqual(waiting.PendingApprovalToken, again.PendingApprovalToken);
        Assert.Equal("Recorded", (await DecideAsync(second, releaseId, "approve", "Fixed now.")).GetProperty("outcome").GetString());
        Assert.Equal("Approved", (await DecideAsync(first, releaseId, "approve", "Agreed.")).GetProperty("outcome").GetString());
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], again.PipelineExecutionId!, "Succeeded");
    }

    [Fact]
    public async Task Two_operators_approving_at_once_send_one_approval_and_keep_both_decisions()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 2);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);
        var operators = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fixture.OperatorAsync()));
        var callsBefore = await fixture.PutApprovalResultCallsAsync();

        var answers = await Task.WhenAll(operators.Select(o => PostAsync(o, releaseId, "approve", $"Approved by {o.Email}")));

        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        var outcomes = answers.Zip(bodies, (a, b) => a.IsSuccessStatusCode ? JsonDocument.Parse(b).RootElement.GetProperty("outcome").GetString()! : $"{(int)a.StatusCode}")
            .Order().ToList();
        // The first is recorded, the second sent; the third finds the approval decided and is told so.
        Assert.Equal(["409", "Approved", "Recorded"], outcomes);
        Assert.Contains("no longer current", bodies.Single(b => b.Contains("\"status\":409")));
        Assert.Equal(callsBefore + 1, await fixture.PutApprovalResultCallsAsync());
        var decisions = await fixture.DecisionsAsync(releaseId);
        Assert.Equal(2, decisions.Count);
        Assert.Equal(1, decisions.Count(d => d.SentToAws));
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Succeeded");
    }

    [Fact]
    public async Task The_same_operator_deciding_twice_at_once_is_recorded_once()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 2);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        await fixture.WaitingAsync(releaseId);
        var ops = await fixture.OperatorAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(ops, releaseId, "approve", "Double click.")));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(await fixture.DecisionsAsync(releaseId));
        Assert.Equal(ReleaseState.WaitingForApproval, (await fixture.ReleaseAsync(releaseId)).State);
    }

    [Fact]
    public async Task A_token_no_longer_current_at_AWS_gets_a_clear_answer_and_the_release_is_resynced()
    {
        var (host, projectId) = await fixture.HostAsync();
        var releaseId = await fixture.PushAsync(host, projectId, "staging");
        var waiting = await fixture.WaitingAsync(releaseId);
        var ops = await fixture.OperatorAsync();
        // Someone stops the execution at AWS while the portal cannot read the pipeline: the portal still holds the old token.
        await fixture.Emulator.AddFaultsAsync(new FaultSettings { Operations = [new OperationFault { Operation = "codepipeline:ListPipelineExecutions", ErrorRate = 1 }] });
        await fixture.Pipelines.StopExecutionAsync(host.Pipelines[EnvironmentKind.Staging], waiting.PipelineExecutionId!, "stopped in the console", abandon: true);
        var callsBefore = await fixture.PutApprovalResultCallsAsync();

        var stale = await HostApiHelpers.ProblemAsync(await PostAsync(ops, releaseId, "approve", "Ship it."), HttpStatusCode.Conflict);

        Assert.Equal("The approval is no longer current", stale.GetProperty("title").GetString());
        Assert.Contains("nothing was sent", stale.GetProperty("detail").GetString());
        Assert.Equal(callsBefore + 1, await fixture.PutApprovalResultCallsAsync()); // tried, and AWS refused the old token
        Assert.Empty(await fixture.DecisionsAsync(releaseId));
        await fixture.Emulator.ClearFaultsAsync();
        await fixture.WaitForReleaseAsync(releaseId, ReleaseState.Stopped);
    }

    [Fact]
    public async Task Releases_of_many_pipelines_reach_the_pending_list_through_the_recurring_sync()
    {
        var hosts = new List<(Portal.Tests.Support.TestHost Host, long ProjectId)>();
        for (var i = 0; i < 4; i++) hosts.Add(await fixture.HostAsync());
        var ops = await fixture.OperatorAsync();

        var releaseIds = new List<Guid>();
        foreach (var ((host, projectId), i) in hosts.Select((h, i) => (h, i)))
            releaseIds.Add(await fixture.PushAsync(host, projectId, i % 2 == 0 ? "staging" : "master"));
        foreach (var releaseId in releaseIds) await fixture.WaitingAsync(releaseId);

        var listed = (await ListAsync(ops)).Select(a => a.GetProperty("releaseId").GetGuid()).ToList();
        Assert.All(releaseIds, id => Assert.Contains(id, listed));
    }

    [Fact]
    public async Task A_decision_needs_a_comment_and_a_release_that_exists()
    {
        var (host, projectId) = await fixture.HostAsync();
        var releaseId = await fixture.PushAsync(host, projectId, "staging");
        await fixture.WaitingAsync(releaseId);
        var ops = await fixture.OperatorAsync();

        var noComment = await HostApiHelpers.ProblemAsync(await PostAsync(ops, releaseId, "approve", "   "), HttpStatusCode.BadRequest);
        var noBody = await ops.Api.PostAsync($"/api/v1/operations/approvals/{releaseId}/reject", null);
        var missing = await HostApiHelpers.ProblemAsync(await PostAsync(ops, Guid.NewGuid(), "approve", "Fine."), HttpStatusCode.NotFound);

        Assert.NotEmpty(HostApiHelpers.FieldErrors(noComment, "comment"));
        Assert.NotEmpty(HostApiHelpers.FieldErrors(await HostApiHelpers.ProblemAsync(noBody, HttpStatusCode.BadRequest), "comment"));
        Assert.Equal("Not found", missing.GetProperty("title").GetString());
        Assert.Empty(await fixture.DecisionsAsync(releaseId));
        Assert.Equal(ReleaseState.WaitingForApproval, (await fixture.ReleaseAsync(releaseId)).State);
    }
}
