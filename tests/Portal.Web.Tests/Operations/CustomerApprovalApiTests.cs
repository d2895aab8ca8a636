using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Web.Tests.Api;

using static Portal.Web.Tests.Operations.ApprovalApi;

namespace Portal.Web.Tests.Operations;

/// <summary>
/// The customer's approvers as the first step of a production release, through the customer's and the operators' API,
/// against CodePipeline at the emulator: both steps before AWS hears of an approval, in either order; a rejection at once;
/// the pusher, people who are no approvers and other tenants refused; the needs fixed when the wait starts.
/// </summary>
public sealed class CustomerApprovalApiTests(OperatorPortalFixture fixture) : IClassFixture<OperatorPortalFixture>
{
    [Fact]
    public async Task A_customer_approver_approves_then_an_operator_and_the_release_goes_on()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var approver = await ApproverAsync(host);
        await SetApproversAsync(host, $"  {approver.User.Email!.ToUpperInvariant()} ", "qa@outside.example");
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);
        var ops = await fixture.OperatorAsync();
        var callsBefore = await fixture.PutApprovalResultCallsAsync();
        Assert.True(waiting.CustomerApprovalRequired);
        Assert.True(Listed(await ListAsync(ops), releaseId).GetProperty("waitingForCustomer").GetBoolean());

        var recorded = await CustomerDecideAsync(approver.Api, host, releaseId, "approve", "Our QC signed it off.");

        Assert.Equal(("Recorded", false, true), (recorded.GetProperty("outcome").GetString(), recorded.GetProperty("waitingForCustomer").GetBoolean(),
            recorded.GetProperty("customerApproved").GetBoolean()));
        Assert.Equal(callsBefore, await fixture.PutApprovalResultCallsAsync());
        Assert.Equal(ReleaseState.WaitingForApproval, (await fixture.ReleaseAsync(releaseId)).State);
        var listed = Listed(await ListAsync(ops), releaseId);
        Assert.Equal((false, true, 0), (listed.GetProperty("waitingForCustomer").GetBoolean(), listed.GetProperty("customerApproved").GetBoolean(),
            listed.GetProperty("approvals").GetInt32()));

        var approved = await DecideAsync(ops, releaseId, "approve", "Operations agree.");

        Assert.Equal("Approved", approved.GetProperty("outcome").GetString());
        Assert.Equal(callsBefore + 1, await fixture.PutApprovalResultCallsAsync());
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Succeeded");
        Assert.NotEqual(ReleaseState.WaitingForApproval, (await fixture.WaitForReleaseAsync(releaseId, ReleaseState.Succeeded)).State);
        var decisions = await fixture.DecisionsAsync(releaseId);
        Assert.Equal([(approver.User.Id, true, false), (ops.User.Id, false, true)], decisions.Select(d => (d.OperatorId, d.CustomerStep, d.SentToAws)));
        var audit = await fixture.AuditAsync(host.Id);
        Assert.Contains(audit, a => a.Action == "release.approval-recorded" && a.ActorName == approver.User.Email && a.Details!.Contains("the customer's approval"));
        Assert.Contains(audit, a => a.Action == "release.approved" && a.ActorName == ops.Email);
    }

    [Fact]
    public async Task An_operator_may_approve_first_and_the_customer_approvers_approval_sends_it()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var approver = await ApproverAsync(host);
        await SetApproversAsync(host, approver.User.Email!);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);
        var ops = await fixture.OperatorAsync();
        var other = await fixture.OperatorAsync();
        var callsBefore = await fixture.PutApprovalResultCallsAsync();

        var recorded = await DecideAsync(ops, releaseId, "approve", "Fine by operations.");
        // The operators' count is reached: another operator's approval cannot stand in for the customer's.
        var more = await HostApiHelpers.ProblemAsync(await PostAsync(other, releaseId, "approve", "Me too."), HttpStatusCode.Conflict);

        Assert.Equal(("Recorded", true), (recorded.GetProperty("outcome").GetString(), recorded.GetProperty("waitingForCustomer").GetBoolean()));
        Assert.Contains("waiting for the customer's approver", recorded.GetProperty("message").GetString());
        Assert.Contains("waiting for the customer's approver", more.GetProperty("detail").GetString());
        Assert.Equal(callsBefore, await fixture.PutApprovalResultCallsAsync());
        Assert.True(Listed(await ListAsync(other), releaseId).GetProperty("waitingForCustomer").GetBoolean());

        var approved = await CustomerDecideAsync(approver.Api, host, releaseId, "approve", "We want it live.");

        Assert.Equal("Approved", approved.GetProperty("outcome").GetString());
        Assert.Equal(callsBefore + 1, await fixture.PutApprovalResultCallsAsync());
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Succeeded");
        var decisions = await fixture.DecisionsAsync(releaseId);
        Assert.Equal([(ops.User.Id, false, false), (approver.User.Id, true, true)], decisions.Select(d => (d.OperatorId, d.CustomerStep, d.SentToAws)));
    }

    [Fact]
    public async Task The_pusher_who_is_a_customer_approver_cannot_approve_their_push_and_nothing_is_sent()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var pusher = await ApproverAsync(host);
        var unlinked = await ApproverAsync(host, linkGitLab: false);
        await SetApproversAsync(host, pusher.User.Email!, unlinked.User.Email!);
        // Another name and a hidden e-mail in the push: only GitLab's user id says who pushed.
        var releaseId = await fixture.PushAsync(host, projectId, "master", pusher: "someone-else", pusherEmail: "[REDACTED]", pusherId: pusher.GitLabUserId);
        await fixture.WaitingAsync(releaseId);
        var ops = await fixture.OperatorAsync();
        await DecideAsync(ops, releaseId, "approve", "Operations agree.");
        var callsBefore = await fixture.PutApprovalResultCallsAsync();

        var own = await HostApiHelpers.ProblemAsync(await CustomerPostAsync(pusher.Api, host, releaseId, "approve", "Mine, and fine."), HttpStatusCode.Forbidden);
        var unverified = await HostApiHelpers.ProblemAsync(await CustomerPostAsync(unlinked.Api, host, releaseId, "approve", "Looks fine."), HttpStatusCode.Forbidden);

        Assert.Equal("You pushed this commit", own.GetProperty("title").GetString());
        Assert.Contains("another of the host's approvers must", own.GetProperty("detail").GetString());
        Assert.Equal("The approval cannot be checked", unverified.GetProperty("title").GetString());
        Assert.Contains("no verified GitLab identity", unverified.GetProperty("detail").GetString());
        Assert.Equal(callsBefore, await fixture.PutApprovalResultCallsAsync());
        Assert.Equal(ReleaseState.WaitingForApproval, (await fixture.ReleaseAsync(releaseId)).State);
        Assert.DoesNotContain(await fixture.DecisionsAsync(releaseId), d => d.CustomerStep);
        var refused = (await fixture.AuditAsync(host.Id)).Where(a => a.Action == "release.decision-refused").Select(a => a.ActorName).ToList();
        Assert.Contains(pusher.User.Email, refused);
        Assert.Contains(unlinked.User.Email, refused);
    }

    [Fact]
    public async Task A_customer_member_who_is_no_approver_gets_403_and_bad_input_gets_problem_details()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var approver = await ApproverAsync(host);
        var member = await ApproverAsync(host);
        await SetApproversAsync(host, approver.User.Email!);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        await fixture.WaitingAsync(releaseId);

        var notApprover = await HostApiHelpers.ProblemAsync(await CustomerPostAsync(member.Api, host, releaseId, "approve", "Ship it."), HttpStatusCode.Forbidden);
        var noComment = await HostApiHelpers.ProblemAsync(await CustomerPostAsync(approver.Api, host, releaseId, "approve", "  "), HttpStatusCode.BadRequest);
        var noOutcome = await HostApiHelpers.ProblemAsync(await CustomerPostAsync(approver.Api, host, releaseId, "maybe", "Hmm."), HttpStatusCode.BadRequest);
        var otherHost = await HostApiHelpers.ProblemAsync(await approver.Api.PostAsJsonAsync($"/api/v1/hosts/shop/releases/{releaseId}/decision",
            new { outcome = "approve", comment = "Wrong host." }), HttpStatusCode.NotFound);

        Assert.Equal("You are not an approver of this host", notApprover.GetProperty("title").GetString());
        Assert.NotEmpty(HostApiHelpers.FieldErrors(noComment, "comment"));
        Assert.NotEmpty(HostApiHelpers.FieldErrors(noOutcome, "outcome"));
        Assert.Equal("Not found", otherHost.GetProperty("title").GetString());
        Assert.Empty(await fixture.DecisionsAsync(releaseId));
        Assert.Contains(await fixture.AuditAsync(host.Id), a => a.Action == "release.decision-refused" && a.ActorName == member.User.Email);
    }

    [Fact]
    public async Task Another_tenants_user_named_as_an_approver_gets_404()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var slug = await fixture.DbAsync(db => db.Customers.Where(c => c.Id == host.CustomerId).Select(c => c.Slug).SingleAsync());
        // A look-alike tenant with a host of the same name, whose user's e-mail the victim's order names too.
        var lookAlike = await fixture.DbAsync(async db =>
        {
            var customer = new Customer { Name = $"Customer {slug}", Slug = slug + "-x" };
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            await new TestHostBuilder(host.Name).OfCustomer(customer.Id).Provisioned().SaveAsync(db);
            return customer.Id;
        });
        var intruder = await ApproverAsync(host, customerId: lookAlike);
        await SetApproversAsync(host, intruder.User.Email!);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        await fixture.WaitingAsync(releaseId);
        var callsBefore = await fixture.PutApprovalResultCallsAsync();

        var approve = await HostApiHelpers.ProblemAsync(await CustomerPostAsync(intruder.Api, host, releaseId, "approve", "Mine now."), HttpStatusCode.NotFound);
        var reject = await HostApiHelpers.ProblemAsync(await CustomerPostAsync(intruder.Api, host, releaseId, "reject", "Break it."), HttpStatusCode.NotFound);

        Assert.Equal(approve.GetProperty("title").GetString(), reject.GetProperty("title").GetString());
        Assert.Equal(callsBefore, await fixture.PutApprovalResultCallsAsync());
        Assert.Empty(await fixture.DecisionsAsync(releaseId));
        Assert.Equal(ReleaseState.WaitingForApproval, (await fixture.ReleaseAsync(releaseId)).State);
    }

    [Fact]
    public async Task A_customer_approvers_rejection_fails_the_release_at_once()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 2);
        var approver = await ApproverAsync(host, linkGitLab: false); // a rejection needs no GitLab identity
        await SetApproversAsync(host, approver.User.Email!);
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);
        var callsBefore = await fixture.PutApprovalResultCallsAsync();

        var rejected = await CustomerDecideAsync(approver.Api, host, releaseId, "reject", "Not during our sale.");

        Assert.Equal("Rejected", rejected.GetProperty("outcome").GetString());
        Assert.Equal(callsBefore + 1, await fixture.PutApprovalResultCallsAsync());
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Failed");
        var failed = await fixture.WaitForReleaseAsync(releaseId, ReleaseState.Failed);
        Assert.Contains(failed.Stages, s => s is { Name: "Approval", Status: "Failed" });
        var decision = Assert.Single(await fixture.DecisionsAsync(releaseId));
        Assert.Equal((approver.User.Id, true, true, ApprovalOutcome.Rejected), (decision.OperatorId, decision.CustomerStep, decision.SentToAws, decision.Outcome));
        Assert.Contains(await fixture.AuditAsync(host.Id), a => a.Action == "release.rejected" && a.ActorName == approver.User.Email);
    }

    [Fact]
    public async Task Changing_the_approvers_after_the_wait_started_does_not_change_what_the_waiting_release_needs()
    {
        // An approver named when it started waiting, removed since: it still needs the customer's approval.
        var (named, namedProject) = await fixture.HostAsync(requiredApprovals: 1);
        var removed = await ApproverAsync(named);
        await SetApproversAsync(named, removed.User.Email!);
        var needsCustomer = await fixture.PushAsync(named, namedProject, "master");
        Assert.True((await fixture.WaitingAsync(needsCustomer)).CustomerApprovalRequired);
        await SetApproversAsync(named);
        // Only an approver without a portal account when it started waiting (who could never approve), a portal approver
        // added since: the operators' approval is enough.
        var (unnamed, unnamedProject) = await fixture.HostAsync(requiredApprovals: 1);
        await SetApproversAsync(unnamed, "qa@outside.example");
        var operatorsOnly = await fixture.PushAsync(unnamed, unnamedProject, "master");
        var waiting = await fixture.WaitingAsync(operatorsOnly);
        Assert.False(waiting.CustomerApprovalRequired);
        var approver = await ApproverAsync(unnamed);
        await SetApproversAsync(unnamed, approver.User.Email!);
        var ops = await fixture.OperatorAsync();

        var stillWaiting = await DecideAsync(ops, needsCustomer, "approve", "Fine.");
        var noCustomerStep = await HostApiHelpers.ProblemAsync(await CustomerPostAsync(approver.Api, unnamed, operatorsOnly, "approve", "Me too?"), HttpStatusCode.Conflict);
        var approved = await DecideAsync(ops, operatorsOnly, "approve", "Fine.");

        Assert.Equal(("Recorded", true), (stillWaiting.GetProperty("outcome").GetString(), stillWaiting.GetProperty("waitingForCustomer").GetBoolean()));
        Assert.Equal(ReleaseState.WaitingForApproval, (await fixture.ReleaseAsync(needsCustomer)).State);
        Assert.Equal("No customer approval is needed", noCustomerStep.GetProperty("title").GetString());
        Assert.Equal("Approved", approved.GetProperty("outcome").GetString());
        await fixture.ExecutionAsync(unnamed.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Succeeded");
    }

    [Fact]
    public async Task The_customer_decision_route_is_in_the_openapi_document()
    {
        using var anonymous = fixture.Portal.CreateClient();

        var paths = (await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        var decide = paths.GetProperty("/api/v1/hosts/{name}/releases/{releaseId}/decision").GetProperty("post");
        Assert.Equal("DecideReleaseAsCustomerApprover", decide.GetProperty("operationId").GetString());
        Assert.True(decide.TryGetProperty("requestBody", out _));
        foreach (var status in new[] { "200", "400", "403", "404", "409" })
            Assert.True(decide.GetProperty("responses").TryGetProperty(status, out _), $"the decision route documents {status}");
    }

    private sealed record TestApprover(PortalUser User, HttpClient Api, long? GitLabUserId);

    /// <summary>A user of the host's customer (or of <paramref name="customerId"/>) with a verified GitLab identity unless told otherwise.</summary>
    private async Task<TestApprover> ApproverAsync(TestHost host, bool linkGitLab = true, Guid? customerId = null)
    {
        var (user, api) = await fixture.CustomerAsync(customerId ?? host.CustomerId);
        long? gitLabUserId = null;
        if (linkGitLab)
        {
            var (id, token) = await fixture.GitLabUserAsync();
            using var linked = await api.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token });
            Assert.True(linked.IsSuccessStatusCode, $"linking GitLab: {(int)linked.StatusCode} {await linked.Content.ReadAsStringAsync()}");
            gitLabUserId = id;
        }
        return new TestApprover(user, api, gitLabUserId);
    }

    private Task SetApproversAsync(TestHost host, params string[] emails) =>
        fixture.DbAsync(db => db.Hosts.Where(h => h.Id == host.Id).ExecuteUpdateAsync(h => h.SetProperty(x => x.ApproverEmails, emails.ToList())));

    private static JsonElement Listed(List<JsonElement> approvals, Guid releaseId) =>
        approvals.Single(a => a.GetProperty("releaseId").GetGuid() == releaseId);

    private static Task<HttpResponseMessage> CustomerPostAsync(HttpClient api, TestHost host, Guid releaseId, string outcome, string comment) =>
        api.PostAsJsonAsync($"/api/v1/hosts/{host.Name}/releases/{releaseId}/decision", new { outcome, comment });

    private static async Task<JsonElement> CustomerDecideAsync(HttpClient api, TestHost host, Guid releaseId, string outcome, string comment)
    {
        var response = await CustomerPostAsync(api, host, releaseId, outcome, comment);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{outcome}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
