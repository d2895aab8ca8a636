using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Web.Tests.Api;

using static Portal.Web.Tests.Operations.ApprovalApi;

namespace Portal.Web.Tests.Operations;

/// <summary>
/// Approvals nobody can bend alone, tried as an adversary: lowering the rule alone or while a release waits, an operator
/// approving their own push, operators without a verified GitLab identity, pushes that name nobody, a customer claiming
/// an operator's GitLab account.
/// </summary>
public sealed class ApprovalRuleTests(OperatorPortalFixture fixture) : IClassFixture<OperatorPortalFixture>
{
    [Fact]
    public async Task Lowering_the_rule_needs_a_second_operator_and_never_applies_to_a_release_already_waiting()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 2);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);
        Assert.Equal(2, waiting.RequiredApprovals);
        var alice = await fixture.OperatorAsync();
        var bob = await fixture.OperatorAsync();

        // Alice approves, lowers the rule to one, and tries to confirm her own proposal: the rule stays two.
        Assert.Equal("Recorded", (await DecideAsync(alice, releaseId, "approve", "First look.")).GetProperty("outcome").GetString());
        var proposed = await SetRuleAsync(alice, host.Id, 1);
        var selfConfirmed = await HostApiHelpers.ProblemAsync(await alice.Api.PostAsync(RulePath(host.Id, "confirm"), null), HttpStatusCode.Conflict);
        var rule = await RuleAsync(alice, host.Id);

        Assert.Contains("another operator confirms", proposed);
        Assert.Contains("another operator must confirm", selfConfirmed.GetProperty("detail").GetString());
        Assert.Equal(2, rule.GetProperty("requiredApprovals").GetInt32());
        Assert.Equal(alice.User.Id, rule.GetProperty("proposal").GetProperty("proposedById").GetGuid());
        Assert.Equal(2, await RequiredAsync(host.Id));
        // Her approval is still one of two: she cannot finish the release alone.
        Assert.Equal("You already decided",
            (await HostApiHelpers.ProblemAsync(await PostAsync(alice, releaseId, "approve", "Alone now?"), HttpStatusCode.Conflict)).GetProperty("title").GetString());

        // Bob confirms: the host needs one from now on, but the waiting release keeps its two.
        using var confirmed = await bob.Api.PostAsync(RulePath(host.Id, "confirm"), null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(1, await RequiredAsync(host.Id));
        var listed = (await ListAsync(bob)).Single(a => a.GetProperty("releaseId").GetGuid() == releaseId);
        Assert.Equal((1, 2), (listed.GetProperty("approvals").GetInt32(), listed.GetProperty("requiredApprovals").GetInt32()));

        // Nor is it stuck: the second operator's approval sends it on.
        var approved = await DecideAsync(bob, releaseId, "approve", "Second look.");
        Assert.Equal(("Approved", 2, 2), (approved.GetProperty("outcome").GetString(), approved.GetProperty("approvals").GetInt32(),
            approved.GetProperty("requiredApprovals").GetInt32()));
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Succeeded");

        // A release that starts waiting after the change needs one.
        var next = await fixture.PushAsync(host, projectId, "master");
        Assert.Equal(1, (await fixture.WaitingAsync(next)).RequiredApprovals);
        Assert.Equal("Approved", (await DecideAsync(alice, next, "approve", "Rule is one now.")).GetProperty("outcome").GetString());

        var actions = (await fixture.AuditAsync(host.Id)).Select(a => (a.Action, a.ActorName)).ToList();
        Assert.Contains(("host.required-approvals-proposed", alice.Email), actions);
        Assert.Contains(("host.required-approvals-refused", alice.Email), actions);
        Assert.Contains(("host.required-approvals-set", bob.Email), actions);
    }

    [Fact]
    public async Task Raising_applies_at_once_but_not_to_a_waiting_release_and_overtakes_a_proposal()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);
        var alice = await fixture.OperatorAsync();
        var bob = await fixture.OperatorAsync();

        Assert.Contains("now need 2 approvals", await SetRuleAsync(alice, host.Id, 2));
        Assert.Equal(2, await RequiredAsync(host.Id));
        Assert.Contains("another operator confirms", await SetRuleAsync(bob, host.Id, 1));
        var again = await HostApiHelpers.ProblemAsync(
            await alice.Api.PutAsJsonAsync($"/api/v1/operations/hosts/{host.Id}/required-approvals", new { requiredApprovals = 1 }), HttpStatusCode.Conflict);
        Assert.Contains("already proposed", again.GetProperty("detail").GetString());
        using (var withdrawn = await alice.Api.PostAsync(RulePath(host.Id, "withdraw"), null))
            Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        var nothing = await HostApiHelpers.ProblemAsync(await bob.Api.PostAsync(RulePath(host.Id, "confirm"), null), HttpStatusCode.NotFound);
        Assert.Contains("No change", nothing.GetProperty("detail").GetString());
        Assert.Equal(2, await RequiredAsync(host.Id));

        // The release that waited under one still needs one: raising the rule did not strand it.
        Assert.Equal(1, (await fixture.ReleaseAsync(releaseId)).RequiredApprovals);
        Assert.Equal("Approved", (await DecideAsync(bob, releaseId, "approve", "Waited under one.")).GetProperty("outcome").GetString());
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Succeeded");
        Assert.Contains("host.required-approvals-withdrawn", (await fixture.AuditAsync(host.Id)).Select(a => a.Action));
    }

    [Fact]
    public async Task Production_approval_needs_a_verified_GitLab_identity_and_a_push_that_names_its_pusher()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var unlinked = await fixture.OperatorAsync(linkGitLab: false);
        var linked = await fixture.OperatorAsync();
        var anonymous = await fixture.PushAsync(host, projectId, "master", pusherId: null);
        await fixture.WaitingAsync(anonymous);

        var noIdentity = await HostApiHelpers.ProblemAsync(await PostAsync(unlinked, anonymous, "approve", "Trust me."), HttpStatusCode.Forbidden);
        var noPusher = await HostApiHelpers.ProblemAsync(await PostAsync(linked, anonymous, "approve", "Who pushed?"), HttpStatusCode.Forbidden);
        var listed = (await ListAsync(unlinked)).Single(a => a.GetProperty("releaseId").GetGuid() == anonymous);

        Assert.Equal("The approval cannot be checked", noIdentity.GetProperty("title").GetString());
        Assert.Contains("no verified GitLab identity", noIdentity.GetProperty("detail").GetString());
        Assert.Contains("no user_id", noPusher.GetProperty("detail").GetString());
        Assert.Contains("no verified GitLab identity", listed.GetProperty("approvalRefusal").GetString());
        Assert.Empty(await fixture.DecisionsAsync(anonymous));
        // Rejecting needs no identity: anyone may stop a release.
        Assert.Equal("Rejected", (await DecideAsync(unlinked, anonymous, "reject", "Unknown pusher.")).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_customer_cannot_claim_an_operators_GitLab_account_and_nobody_links_by_name()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var (aliceGitLabId, aliceToken) = await fixture.GitLabUserAsync();
        var alice = await fixture.OperatorAsync(linkGitLab: false);
        var customer = await fixture.CustomerApiAsync();
        var (_, customerToken) = await fixture.GitLabUserAsync();
        var (botId, _) = await fixture.GitLabUserAsync();
        var (_, noScopeToken) = await fixture.GitLab.PersonalTokenAsync(botId, ["read_repository"]);

        // The old way, a typed name, is not a link; neither is a made-up token or one without read_user.
        var byName = await HostApiHelpers.ProblemAsync(await customer.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { username = "alice" }),
            HttpStatusCode.BadRequest);
        var madeUp = await HostApiHelpers.ProblemAsync(await customer.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token = "glpat-madeupmadeupmadeup" }),
            HttpStatusCode.BadRequest);
        var noScope = await HostApiHelpers.ProblemAsync(await customer.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token = noScopeToken }),
            HttpStatusCode.BadRequest);
        Assert.Contains("personal access token", byName.GetProperty("detail").GetString());
        Assert.Contains("did not accept", madeUp.GetProperty("detail").GetString());
        Assert.Contains("read_user", noScope.GetProperty("detail").GetString());

        // Alice links her account; the customer, holding only their own token, gets their own GitLab user.
        using (var linked = await alice.Api.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token = aliceToken }))
            Assert.Equal(aliceGitLabId, (await linked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("gitLabUserId").GetInt64());
        using (var own = await customer.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token = customerToken }))
            Assert.NotEqual(aliceGitLabId, (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("gitLabUserId").GetInt64());
        // Even with Alice's token in hand, a second portal account cannot take her GitLab user, nor can Alice move hers.
        var other = await fixture.OperatorAsync(linkGitLab: false);
        var stolen = await HostApiHelpers.ProblemAsync(await other.Api.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token = aliceToken }),
            HttpStatusCode.BadRequest);
        var moved = await HostApiHelpers.ProblemAsync(await alice.Api.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token = customerToken }),
            HttpStatusCode.BadRequest);
        Assert.Contains("linked to another portal account", stolen.GetProperty("detail").GetString());
        Assert.Contains("cannot be changed", moved.GetProperty("detail").GetString());
        var identities = await fixture.DbAsync(db => db.GitLabIdentities.Where(i => i.GitLabUserId == aliceGitLabId).Select(i => i.UserId).ToListAsync());
        Assert.Equal([alice.User.Id], identities);

        // Alice's push stays hers: she cannot approve it, whoever else claims the name.
        var releaseId = await fixture.PushAsync(host, projectId, "master", pusher: "alice", pusherEmail: "[REDACTED]", pusherId: aliceGitLabId);
        await fixture.WaitingAsync(releaseId);
        Assert.Equal("You pushed this commit",
            (await HostApiHelpers.ProblemAsync(await PostAsync(alice, releaseId, "approve", "Mine."), HttpStatusCode.Forbidden)).GetProperty("title").GetString());
        var audit = await fixture.DbAsync(db => db.AuditEntries.Where(a => a.Action == "account.gitlab-link-refused").Select(a => a.Details!).ToListAsync());
        Assert.Contains(audit, d => d.Contains("linked to another portal account"));
    }

    private static string RulePath(Guid hostId, string action) => $"/api/v1/operations/hosts/{hostId}/required-approvals/{action}";

    private static async Task<string> SetRuleAsync(TestOperator ops, Guid hostId, int required)
    {
        using var response = await ops.Api.PutAsJsonAsync($"/api/v1/operations/hosts/{hostId}/required-approvals", new { requiredApprovals = required });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("message").GetString()!;
    }

    private static Task<JsonElement> RuleAsync(TestOperator ops, Guid hostId) =>
        ops.Api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/hosts/{hostId}/required-approvals");

    private Task<int> RequiredAsync(Guid hostId) => fixture.DbAsync(db => db.Hosts.Where(h => h.Id == hostId).Select(h => h.RequiredApprovals).SingleAsync());
}
