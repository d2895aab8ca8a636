using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Releases.Webhooks;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using static Portal.Web.Tests.Webhooks.PushWebhookTests;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// What GitLab actually sends (issue 15), replayed with GitLab's headers over real HTTP against the portal on Postgres:
/// the documented payloads verbatim (<see cref="GitLabDocumentedPayloads"/>), changed only where a test says so.
/// None of them may ever get a 5xx: GitLab does not retry, and failures count towards disabling the hook.
/// </summary>
public sealed class GitLabDeliveryRulesTests(WebhookPortalFixture fixture) : IClassFixture<WebhookPortalFixture>
{
    private readonly HttpClient gitlab = fixture.Portal.CreateClient();

    private Task<TestHost> DocumentedHostAsync(HostState host = HostState.Active, EnvironmentState environment = EnvironmentState.Active) =>
        fixture.Portal.CreateHostAsync(GitLabDocumentedPayloads.PushProjectId, GitLabDocumentedPayloads.PushProjectPath, host, environment);

    private static string WithCommitMessage(string message) =>
        GitLabDocumentedPayloads.Push.Replace("\"message\": \"fixed readme\"", $"\"message\": {JsonSerializer.Serialize(message)}");

    [Fact]
    public async Task A_commit_message_over_10000_characters_with_an_emoji_at_the_cut_is_accepted_and_cut_before_it()
    {
        var host = await DocumentedHostAsync();
        var message = new string('a', 9_999) + "😀" + new string('b', 50); // The emoji's two UTF-16 units straddle 10,000.

        var response = await gitlab.SendAsync(GitLabSender.Push(WithCommitMessage(message), host.WebhookToken));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new string('a', 9_999), Assert.Single(await fixture.DeliveriesAsync(host.Id)).Message);
    }

    [Fact]
    public async Task A_254_character_username_with_an_emoji_is_accepted()
    {
        var host = await DocumentedHostAsync();
        var username = new string('u', 254) + "👩‍💻";

        var response = await gitlab.SendAsync(GitLabSender.Push(
            GitLabDocumentedPayloads.Push.Replace("\"user_username\": \"jsmith\"", $"\"user_username\": \"{username}\""), host.WebhookToken));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new string('u', 254), Assert.Single(await fixture.DeliveriesAsync(host.Id)).UserUsername);
    }

    [Fact]
    public async Task NUL_characters_in_message_username_and_email_are_removed_and_the_push_accepted()
    {
        var host = await DocumentedHostAsync();
        var body = WithCommitMessage("fixed\u0000readme")
            .Replace("\"user_username\": \"jsmith\"", "\"user_username\": \"js\\u0000mith\"")
            .Replace("\"user_email\": \"john@example.com\"", "\"user_email\": \"john\\u0000@example.com\"")
            .Replace("\"name\": \"Jordi Mallach\"", "\"name\": \"Jordi\\u0000 Mallach\"");

        var response = await gitlab.SendAsync(GitLabSender.Push(body, host.WebhookToken));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivery = Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Equal("fixedreadme", delivery.Message);
        Assert.Equal("jsmith", delivery.UserUsername);
        Assert.Equal("john@example.com", delivery.UserEmail);
        Assert.Contains(new CommitAuthor("Jordi Mallach", "jordi@softcatala.org"), delivery.CommitAuthors);
    }

    [Fact]
    public async Task A_NUL_in_the_ref_is_refused_with_400_since_Git_refs_cannot_hold_one()
    {
        var host = await DocumentedHostAsync();

        var response = await gitlab.SendAsync(GitLabSender.Push(
            GitLabDocumentedPayloads.Push.Replace("\"ref\": \"refs/heads/master\"", "\"ref\": \"refs/heads/mas\\u0000ter\""), host.WebhookToken));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "ref contains a control character");
        Assert.Empty(await fixture.DeliveriesAsync(host.Id));
    }

    [Theory]
    [InlineData("Tag Push Hook")]
    [InlineData("Merge Request Hook")]
    public async Task Other_events_with_a_wrong_or_missing_token_are_refused(string gitlabEvent)
    {
        var (body, projectId, path) = OtherEvent(gitlabEvent);
        var host = await fixture.Portal.CreateHostAsync(projectId, path);

        var wrong = await gitlab.SendAsync(GitLabSender.Delivery(body, "glw_wrong", Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), gitlabEvent));
        var missing = await gitlab.SendAsync(GitLabSender.Delivery(body, null, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), gitlabEvent));

        await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "wrong secret token");
        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "X-Gitlab-Token");
        Assert.Empty(await fixture.DeliveriesAsync(host.Id));
    }

    [Theory]
    [InlineData("Tag Push Hook")]
    [InlineData("Merge Request Hook")]
    public async Task Other_events_with_the_hosts_token_are_ignored_and_logged(string gitlabEvent)
    {
        var (body, projectId, path) = OtherEvent(gitlabEvent);
        var host = await fixture.Portal.CreateHostAsync(projectId, path);

        var response = await gitlab.SendAsync(GitLabSender.Delivery(body, host.WebhookToken, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), gitlabEvent));

        await AssertIgnoredAsync(response, $"'{gitlabEvent}' events are ignored");
        var delivery = Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Equal(gitlabEvent, delivery.Event);
        Assert.Equal(IgnoredBecause.OtherEvent, delivery.IgnoredBecause);
    }

    private static (string Body, long ProjectId, string Path) OtherEvent(string gitlabEvent) => gitlabEvent == "Tag Push Hook"
        ? (GitLabDocumentedPayloads.TagPush, GitLabDocumentedPayloads.TagPushProjectId, GitLabDocumentedPayloads.TagPushProjectPath)
        : (GitLabDocumentedPayloads.MergeRequest, GitLabDocumentedPayloads.MergeRequestProjectId, GitLabDocumentedPayloads.MergeRequestProjectPath);

    [Fact]
    public async Task A_field_of_the_wrong_type_is_400_naming_the_JSON_path_and_no_dotnet_type()
    {
        var host = await DocumentedHostAsync();

        var response = await gitlab.SendAsync(GitLabSender.Push(
            GitLabDocumentedPayloads.Push.Replace("\"total_commits_count\": 4", "\"total_commits_count\": \"4\""), host.WebhookToken));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "at $.total_commits_count");
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Portal.", text);
        Assert.DoesNotContain("System.", text);
    }

    [Fact]
    public async Task A_system_hook_is_400_saying_it_is_not_supported()
    {
        var response = await gitlab.SendAsync(GitLabSender.Delivery(GitLabDocumentedPayloads.Push, "glw_any", null, null, "System Hook"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "System hooks are not supported");
    }

    [Fact]
    public async Task A_push_of_20_commits_listing_many_files_is_accepted_up_to_GitLabs_25_MB()
    {
        var host = await DocumentedHostAsync();
        var body = TwentyCommitPush(filesPerCommit: 7_000); // About 5.8 MB, as in the issue: refused with 413 before.

        var response = await gitlab.SendAsync(GitLabSender.Push(body, host.WebhookToken));

        Assert.InRange(Encoding.UTF8.GetByteCount(body), 5_000_000, 25 * 1024 * 1024);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivery = Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Equal(20, delivery.CommitAuthors.Count);
        Assert.Equal("commit 19", delivery.Message);
    }

    /// <summary>The documented push with 20 commits (the most GitLab lists) by 20 authors, each adding many files.</summary>
    private static string TwentyCommitPush(int filesPerCommit)
    {
        var push = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(GitLabDocumentedPayloads.Push)!;
        var commits = Enumerable.Range(0, 20).Select(i => new Dictionary<string, object>
        {
            ["id"] = i == 19 ? GitLabDocumentedPayloads.PushAfter : $"{i:x2}".PadLeft(40, 'a'),
            ["message"] = $"commit {i}",
            ["title"] = $"commit {i}",
            ["timestamp"] = "2012-01-03T23:36:29+02:00",
            ["url"] = $"http://example.com/mike/diaspora/commit/{i}",
            ["author"] = new Dictionary<string, string> { ["name"] = $"Author {i}", ["email"] = $"author{i}@example.com" },
            ["added"] = Enumerable.Range(0, filesPerCommit).Select(f => $"src/module-{i}/generated/file-{f:D6}.txt").ToArray(),
            ["modified"] = Array.Empty<string>(),
            ["removed"] = Array.Empty<string>(),
        }).ToList();
        var body = push.ToDictionary(p => p.Key, p => (object)p.Value);
        body["commits"] = commits;
        body["total_commits_count"] = 20;
        return JsonSerializer.Serialize(body);
    }

    [Fact]
    public async Task A_group_webhooks_push_of_a_project_without_host_carrying_a_hosts_token_is_2xx_ignored_and_logged_for_that_host()
    {
        var host = await DocumentedHostAsync();
        var otherProject = WebhookPortalFixture.NewProjectId();

        var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: otherProject, path: "group/other-project"), host.WebhookToken));

        await AssertIgnoredAsync(response, "is not the project of host web");
        var delivery = Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Equal(IgnoredBecause.OtherProject, delivery.IgnoredBecause);
    }

    [Fact]
    public async Task A_push_while_the_environment_is_provisioning_is_held_then_the_newest_of_the_branch_released_when_Active()
    {
        var host = await DocumentedHostAsync(HostState.Provisioning, EnvironmentState.Provisioning);
        var first = GitLabPayloads.Push(projectId: 15, before: "95790bf891e76fee5e1747ab589903a6a1f80f22", after: new string('1', 40));
        var second = GitLabPayloads.Push(projectId: 15, before: new string('1', 40), after: new string('2', 40));

        var held1 = await gitlab.SendAsync(GitLabSender.Push(first, host.WebhookToken));
        var held2 = await gitlab.SendAsync(GitLabSender.Push(second, host.WebhookToken));
        await fixture.ReleaseHeldAsync();
        var stillHeld = await fixture.DeliveriesAsync(host.Id);
        await fixture.SetStateAsync(host.Id, HostState.Active, EnvironmentState.Active);
        await fixture.ReleaseHeldAsync();

        Assert.Equal(HttpStatusCode.Accepted, held1.StatusCode);
        Assert.Equal("held", (await held2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.All(stillHeld, d => Assert.Equal(DeliveryStatus.Held, d.Status));
        var release = Assert.Single(await fixture.ReleasesAsync(host));
        Assert.Equal(new string('2', 40), release.CommitId);
        var older = (await fixture.DeliveriesAsync(host.Id)).Single(d => d.After == new string('1', 40));
        Assert.Equal(DeliveryStatus.Superseded, older.Status);
    }

    [Theory]
    [InlineData(HostState.Updating, EnvironmentState.Decommissioning)] // removed by a change: its stacks are being deleted
    [InlineData(HostState.Active, EnvironmentState.Decommissioned)] // removed by a change before the starters looked
    [InlineData(HostState.Decommissioning, EnvironmentState.Decommissioning)] // the whole host is decommissioned
    public async Task A_push_held_for_an_environment_being_added_ends_ignored_saying_why_when_the_environment_is_removed_instead(
        HostState hostAfter, EnvironmentState productionAfter)
    {
        // Production is being added to the host (dev is Active): its pushes are held until it is Active.
        var host = await DocumentedHostAsync(HostState.Provisioning, EnvironmentState.Active);
        await SetProductionAsync(host, EnvironmentState.Provisioning, EnvironmentOperation.Provision);
        var held = await gitlab.SendAsync(GitLabSender.Push(GitLabDocumentedPayloads.Push, host.WebhookToken));
        Assert.Equal("held", (await held.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Hosts.Where(h => h.Id == host.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(h => h.State, hostAfter)));
        await SetProductionAsync(host, productionAfter,
            productionAfter == EnvironmentState.Decommissioned ? EnvironmentOperation.None : EnvironmentOperation.Decommission);
        var accepted = await fixture.ReleaseHeldAsync();

        Assert.Equal(0, accepted);
        var delivery = Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Equal((DeliveryStatus.Ignored, IgnoredBecause.EnvironmentNotActive), (delivery.Status, delivery.IgnoredBecause));
        Assert.Equal("The environment was removed before the push could be released.", delivery.StatusReason);
        Assert.Null(delivery.ReleaseId);
        // The customer's deliveries panel reads the log: the reason, no longer "held".
        var shown = Assert.Single((await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<WebhookDeliveryLog>().RecentAsync(host.CustomerId, host.Name)))!);
        Assert.Equal(("ignored", "The environment was removed before the push could be released.", (Guid?)null), (shown.Status, shown.Reason, shown.ReleaseId));

        // Ended: an environment of the branch that is Active again later releases nothing of it.
        await fixture.SetStateAsync(host.Id, HostState.Active, EnvironmentState.Active);
        await fixture.ReleaseHeldAsync();
        Assert.Empty(await fixture.ReleasesAsync(host));
        Assert.Equal(DeliveryStatus.Ignored, Assert.Single(await fixture.DeliveriesAsync(host.Id)).Status);
    }

    private Task<int> SetProductionAsync(TestHost host, EnvironmentState state, EnvironmentOperation operation) =>
        fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().HostEnvironments
            .Where(e => e.Id == host.Environments[EnvironmentKind.Production])
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.State, state).SetProperty(e => e.Operation, operation)));

    [Fact]
    public async Task A_resend_of_a_push_ignored_because_its_environment_was_not_Active_is_let_through_once_it_is()
    {
        var host = await DocumentedHostAsync(HostState.Active, EnvironmentState.Failed);
        var key = Guid.NewGuid().ToString();

        var ignored = await gitlab.SendAsync(GitLabSender.Delivery(GitLabDocumentedPayloads.Push, host.WebhookToken, key, Guid.NewGuid().ToString()));
        await fixture.SetStateAsync(host.Id, HostState.Active, EnvironmentState.Active);
        // GitLab's "Resend Request" keeps the Idempotency-Key; the event and webhook UUIDs are new.
        var resent = await gitlab.SendAsync(GitLabSender.Delivery(GitLabDocumentedPayloads.Push, host.WebhookToken, key, Guid.NewGuid().ToString()));
        var again = await gitlab.SendAsync(GitLabSender.Delivery(GitLabDocumentedPayloads.Push, host.WebhookToken, key, Guid.NewGuid().ToString()));

        await AssertIgnoredAsync(ignored, "not Active");
        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        Assert.Equal("accepted", (await resent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(GitLabDocumentedPayloads.PushAfter, Assert.Single(await fixture.ReleasesAsync(host)).CommitId);
    }

    [Fact]
    public async Task A_push_delivered_after_a_newer_one_on_its_branch_does_not_start_after_it()
    {
        var host = await DocumentedHostAsync();
        var older = new string('a', 40);
        var newer = new string('b', 40);
        // The newer push was made on top of the older one (its before is the older one's after) but arrives first.
        var newerPush = GitLabPayloads.Push(projectId: 15, before: older, after: newer);
        var olderPush = GitLabPayloads.Push(projectId: 15, before: "95790bf891e76fee5e1747ab589903a6a1f80f22", after: older);

        Assert.Equal(HttpStatusCode.Accepted, (await gitlab.SendAsync(GitLabSender.Push(newerPush, host.WebhookToken))).StatusCode);
        Assert.Single(await fixture.ReleasesAsync(host));
        Assert.Equal(HttpStatusCode.Accepted, (await gitlab.SendAsync(GitLabSender.Push(olderPush, host.WebhookToken))).StatusCode);

        Assert.Equal(newer, Assert.Single(await fixture.ReleasesAsync(host)).CommitId);
        var late = (await fixture.DeliveriesAsync(host.Id)).Single(d => d.After == older);
        Assert.Equal(DeliveryStatus.Superseded, late.Status);
        Assert.Contains("out of order", late.StatusReason);
    }

    [Fact]
    public async Task A_late_push_with_an_older_commit_time_does_not_start_but_a_force_push_back_onto_the_released_commit_does()
    {
        var host = await DocumentedHostAsync();
        var recent = WithHead(GitLabPayloads.Push(projectId: 15, before: new string('c', 40), after: new string('d', 40)), new string('d', 40), "2024-05-02T10:00:00+00:00");
        var stale = WithHead(GitLabPayloads.Push(projectId: 15, before: new string('e', 40), after: new string('f', 40)), new string('f', 40), "2024-05-01T10:00:00+00:00");
        var rollback = WithHead(GitLabPayloads.Push(projectId: 15, before: new string('d', 40), after: new string('9', 40)), new string('9', 40), "2024-04-01T10:00:00+00:00");

        await gitlab.SendAsync(GitLabSender.Push(recent, host.WebhookToken));
        Assert.Single(await fixture.ReleasesAsync(host));
        await gitlab.SendAsync(GitLabSender.Push(stale, host.WebhookToken));
        await gitlab.SendAsync(GitLabSender.Push(rollback, host.WebhookToken));

        Assert.Equal([new string('9', 40), new string('d', 40)], (await fixture.ReleasesAsync(host)).Select(r => r.CommitId).Order());
        Assert.Equal(DeliveryStatus.Superseded, (await fixture.DeliveriesAsync(host.Id)).Single(d => d.After == new string('f', 40)).Status);
    }

    private static string WithHead(string push, string after, string timestamp) =>
        push.Replace("\"timestamp\": \"2012-01-03T23:36:29+02:00\"", $"\"timestamp\": \"{timestamp}\"");

    [Fact]
    public async Task A_push_with_ci_skip_starts_nothing_and_says_so()
    {
        var host = await DocumentedHostAsync();
        var body = GitLabDocumentedPayloads.Push.Replace("\"total_commits_count\": 4", "\"total_commits_count\": 4, \"push_options\": {\"ci\": {\"skip\": true}}");

        var response = await gitlab.SendAsync(GitLabSender.Push(body, host.WebhookToken));

        await AssertIgnoredAsync(response, "ci.skip");
        Assert.Empty(await fixture.ReleasesAsync(host));
    }

    [Fact]
    public async Task GitLabs_sample_push_from_the_Test_button_of_an_empty_project_starts_nothing_and_says_what_it_is()
    {
        var host = await fixture.Portal.CreateHostAsync(15, "gitlab/gitlab");

        var response = await gitlab.SendAsync(GitLabSender.Push(GitLabDocumentedPayloads.SamplePush, host.WebhookToken));

        await AssertIgnoredAsync(response, "GitLab's sample push");
        Assert.Empty(await fixture.ReleasesAsync(host));
    }

    [Fact]
    public async Task A_delivery_from_another_GitLab_instance_than_the_hosts_project_is_403()
    {
        var host = await DocumentedHostAsync();
        var request = GitLabSender.Push(GitLabDocumentedPayloads.Push, host.WebhookToken);
        request.Headers.Remove("X-Gitlab-Instance");
        request.Headers.Add("X-Gitlab-Instance", "https://gitlab.attacker.example");

        await AssertProblemAsync(await gitlab.SendAsync(request), HttpStatusCode.Forbidden, "https://gitlab.example.com");
        Assert.Empty(await fixture.DeliveriesAsync(host.Id));
    }

    [Fact]
    public async Task A_host_with_a_signing_token_accepts_only_fresh_deliveries_signed_with_it()
    {
        var host = await DocumentedHostAsync();
        var token = await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<WebhookSigningTokens>()
            .CreateAsync(new Actor(null, "test"), host.CustomerId, host.Name));
        var otherKey = "whsec_" + Convert.ToBase64String(new byte[32]);
        var now = DateTimeOffset.UtcNow;

        var unsigned = await gitlab.SendAsync(GitLabSender.Push(GitLabDocumentedPayloads.Push, host.WebhookToken));
        var wrongKey = await gitlab.SendAsync(GitLabSender.Push(GitLabDocumentedPayloads.Push, host.WebhookToken).Signed(otherKey, now));
        var stale = await gitlab.SendAsync(GitLabSender.Push(GitLabDocumentedPayloads.Push, host.WebhookToken).Signed(token!, now.AddMinutes(-6)));
        var tampered = GitLabSender.Push(GitLabDocumentedPayloads.Push, host.WebhookToken).Signed(token!, now);
        tampered.Content = new StringContent(GitLabDocumentedPayloads.Push.Replace("fixed readme", "fixed readme!"), Encoding.UTF8, "application/json");
        var tamperedResponse = await gitlab.SendAsync(tampered);
        var signed = await gitlab.SendAsync(GitLabSender.Push(GitLabDocumentedPayloads.Push, host.WebhookToken).Signed(token!, now));

        await AssertProblemAsync(unsigned, HttpStatusCode.Unauthorized, "no webhook-signature header");
        await AssertProblemAsync(wrongKey, HttpStatusCode.Unauthorized, "does not match");
        await AssertProblemAsync(stale, HttpStatusCode.Unauthorized, "replayed");
        await AssertProblemAsync(tamperedResponse, HttpStatusCode.Unauthorized, "does not match");
        Assert.Equal(HttpStatusCode.Accepted, signed.StatusCode);
        Assert.Single(await fixture.DeliveriesAsync(host.Id));
    }

    [Fact]
    public async Task The_host_keeps_commit_authors_beside_the_pusher()
    {
        var host = await DocumentedHostAsync();

        await gitlab.SendAsync(GitLabSender.Push(GitLabDocumentedPayloads.Push, host.WebhookToken));

        var delivery = Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Equal("jsmith", delivery.UserUsername);
        Assert.Equal([new CommitAuthor("Jordi Mallach", "jordi@softcatala.org"), new CommitAuthor("GitLab dev user", "gitlabdev@dv6700.(none)")],
            delivery.CommitAuthors);
        Assert.Equal("95790bf891e76fee5e1747ab589903a6a1f80f22", delivery.Before);
        Assert.Equal(new DateTimeOffset(2012, 1, 3, 21, 36, 29, TimeSpan.Zero), delivery.CommittedAt);
    }
}
