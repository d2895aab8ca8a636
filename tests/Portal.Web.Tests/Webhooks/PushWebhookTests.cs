using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Releases.Starting;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;

namespace Portal.Web.Tests.Webhooks;

/// <summary>GitLab's documented push payloads, sent with GitLab's headers over real HTTP to the real portal on Postgres.</summary>
public sealed class PushWebhookTests(WebhookPortalFixture fixture) : IClassFixture<WebhookPortalFixture>
{
    private readonly HttpClient gitlab = fixture.Portal.CreateClient();

    [Fact]
    public async Task An_accepted_push_records_the_delivery_which_becomes_a_pending_release()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");
        var key = Guid.NewGuid().ToString();
        var before = DateTimeOffset.UtcNow;

        var response = await gitlab.SendAsync(GitLabSender.Delivery(GitLabPayloads.Push(projectId: projectId), host.WebhookToken, key, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", answer.GetProperty("status").GetString());
        Assert.Contains("production environment of host web", answer.GetProperty("detail").GetString());
        var delivery = Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Equal(key, delivery.DeliveryId);
        Assert.Equal(DeliveryStatus.Accepted, delivery.Status);
        Assert.Equal(EnvironmentKind.Production, delivery.Environment);
        Assert.Equal("refs/heads/master", delivery.Ref);
        Assert.Equal(answer.GetProperty("releaseId").GetGuid(), delivery.ReleaseId);
        var release = Assert.Single(await fixture.ReleasesAsync(host));
        Assert.Equal(DeliveryStatus.Queued, Assert.Single(await fixture.DeliveriesAsync(host.Id)).Status);
        Assert.Equal(answer.GetProperty("releaseId").GetGuid(), release.Id);
        Assert.Equal(delivery.Id, release.PushDeliveryId);
        Assert.Equal(ReleaseState.Pending, release.State);
        Assert.Equal("da1560886d4f094c3e6c9ef40349f7d38b5d27d7", release.CommitId);
        Assert.Equal("master", release.Branch);
        Assert.Equal("jsmith", release.AuthorUsername);
        Assert.Equal("john@example.com", release.AuthorEmail);
        Assert.Equal("fixed readme", release.Message);
        Assert.InRange(release.PushedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(ReleaseTokens.ForDelivery(host.Environments[EnvironmentKind.Production], key), release.ClientRequestToken);
        Assert.Null(release.PipelineExecutionId);
    }

    [Fact]
    public async Task Each_branch_releases_to_its_environment()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "team/shop");

        foreach (var (kind, branch) in TestHosts.DefaultBranches)
        {
            var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push($"refs/heads/{branch}", projectId, "team/shop"), host.WebhookToken));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var releases = await fixture.ReleasesAsync(host);
        Assert.Equal(host.Environments.Values.Order(), releases.Select(r => r.HostEnvironmentId).Order());
        Assert.All(releases, r => Assert.Equal(TestHosts.DefaultBranches[host.Environments.Single(e => e.Value == r.HostEnvironmentId).Key], r.Branch));
    }

    [Fact]
    public async Task Without_an_idempotency_key_the_event_uuid_identifies_the_delivery()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");
        var eventUuid = Guid.NewGuid().ToString();

        var first = await gitlab.SendAsync(GitLabSender.Delivery(GitLabPayloads.Push(projectId: projectId), host.WebhookToken, null, eventUuid));
        var again = await gitlab.SendAsync(GitLabSender.Delivery(GitLabPayloads.Push(projectId: projectId), host.WebhookToken, null, eventUuid));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(eventUuid, Assert.Single(await fixture.DeliveriesAsync(host.Id)).DeliveryId);
    }

    [Fact]
    public async Task Without_any_delivery_header_a_resent_body_is_still_recognised()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");
        var body = GitLabPayloads.Push(projectId: projectId);

        Assert.Equal(HttpStatusCode.Accepted, (await gitlab.SendAsync(GitLabSender.Delivery(body, host.WebhookToken, null, null))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gitlab.SendAsync(GitLabSender.Delivery(body, host.WebhookToken, null, null))).StatusCode);
        Assert.StartsWith("sha256:", Assert.Single(await fixture.DeliveriesAsync(host.Id)).DeliveryId);
    }

    [Fact]
    public async Task A_resent_delivery_answers_200_and_records_nothing_new()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");
        var key = Guid.NewGuid().ToString();
        var body = GitLabPayloads.Push(projectId: projectId);

        var first = await gitlab.SendAsync(GitLabSender.Delivery(body, host.WebhookToken, key, Guid.NewGuid().ToString()));
        // GitLab's "Resend request" keeps the Idempotency-Key; the event and webhook UUIDs are new.
        var resent = await gitlab.SendAsync(GitLabSender.Delivery(body, host.WebhookToken, key, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        var answer = await resent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("duplicate", answer.GetProperty("status").GetString());
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("releaseId").GetGuid(), answer.GetProperty("releaseId").GetGuid());
        Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Single(await fixture.ReleasesAsync(host));
    }

    [Fact]
    public async Task Concurrent_copies_of_one_delivery_record_it_once()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");
        var key = Guid.NewGuid().ToString();
        var body = GitLabPayloads.Push(projectId: projectId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            fixture.Portal.CreateClient().SendAsync(GitLabSender.Delivery(body, host.WebhookToken, key, Guid.NewGuid().ToString()))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(11, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Single(await fixture.ReleasesAsync(host));
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_leaves_only_one_audit_line()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");

        var first = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), "glw_wrong"));
        var second = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), host.WebhookToken + "x"));

        await AssertProblemAsync(first, HttpStatusCode.Unauthorized, "wrong secret token");
        await AssertProblemAsync(second, HttpStatusCode.Unauthorized, "wrong secret token");
        Assert.Empty(await fixture.DeliveriesAsync(host.Id));
        Assert.Empty(await fixture.ReleasesAsync(host));
        var audit = Assert.Single(await fixture.AuditAsync(host.Id));
        Assert.Equal("webhook.token-rejected", audit.Action);
        Assert.Equal("gitlab", audit.ActorName);
        Assert.Equal("127.0.0.1", audit.SourceAddress);
        Assert.DoesNotContain("glw_wrong", audit.Details);
    }

    [Fact]
    public async Task A_missing_token_is_refused()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");

        var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), token: null));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "X-Gitlab-Token");
        Assert.Empty(await fixture.DeliveriesAsync(host.Id));
    }

    [Fact]
    public async Task An_unknown_project_with_a_token_of_no_host_is_401_like_a_known_one()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");

        var unknown = await gitlab.SendAsync(GitLabSender.Push(
            GitLabPayloads.Push(projectId: WebhookPortalFixture.NewProjectId(), path: "nobody/nothing"), "glw_any"));
        var known = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), "glw_any"));

        // Before the token is checked, nothing tells which projects have hosts.
        await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "wrong secret token");
        await AssertProblemAsync(known, HttpStatusCode.Unauthorized, "wrong secret token");
        Assert.Equal(await DetailAsync(known), await DetailAsync(unknown));
        Assert.DoesNotContain("nobody/nothing", await DetailAsync(unknown));
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();

    [Fact]
    public async Task A_host_ordered_without_project_id_is_found_by_path_in_any_case()
    {
        var path = $"Team-{Guid.NewGuid():N}/Shop";
        var host = await fixture.Portal.CreateHostAsync(projectId: null, path);

        var response = await gitlab.SendAsync(GitLabSender.Push(
            GitLabPayloads.Push(projectId: WebhookPortalFixture.NewProjectId(), path: path.ToLowerInvariant()), host.WebhookToken));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(await fixture.ReleasesAsync(host));
    }

    [Fact]
    public async Task The_project_id_wins_over_a_renamed_path()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "old-group/shop");

        var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId, path: "new-group/shop"), host.WebhookToken));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_project_released_by_a_new_host_after_its_old_one_was_decommissioned_releases_only_there()
    {
        // A project releases to one live host: a decommissioned host gave its claim up, and its token no longer releases.
        var projectId = WebhookPortalFixture.NewProjectId();
        var old = await fixture.Portal.CreateHostAsync(projectId, "mono/repo", HostState.Decommissioned, EnvironmentState.Decommissioned);
        var current = await fixture.Portal.CreateHostAsync(projectId, "mono/repo");
        var body = GitLabPayloads.Push(projectId: projectId, path: "mono/repo");

        var toOld = await gitlab.SendAsync(GitLabSender.Delivery(body, old.WebhookToken, null, Guid.NewGuid().ToString()));
        var toCurrent = await gitlab.SendAsync(GitLabSender.Delivery(body, current.WebhookToken, null, Guid.NewGuid().ToString()));

        Assert.NotEqual("accepted", await StatusOfAsync(toOld));
        Assert.Equal("accepted", await StatusOfAsync(toCurrent));
        Assert.Empty(await fixture.ReleasesAsync(old));
        Assert.Single(await fixture.ReleasesAsync(current));
    }

    private static async Task<string?> StatusOfAsync(HttpResponseMessage response) =>
        System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("status", out var status)
            ? status.GetString()
            : $"{(int)response.StatusCode}";

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"object_kind":"push","ref":"refs/heads/master"}""", "Missing fields: before, after, project.")]
    [InlineData("""{"object_kind":"push","ref":"refs/heads/master","before":"x","after":"y","project":{"id":1,"path_with_namespace":"a/b"}}""", "before is not a commit id")]
    [InlineData("""{"object_kind":"tag_push","ref":"refs/tags/v1","before":"0000000000000000000000000000000000000000","after":"82b3d5ae55f7080f1e6022629cdb57bfae7cccc7","project":{"id":1,"path_with_namespace":"a/b"}}""", "object_kind is 'tag_push'")]
    public async Task A_malformed_body_is_400_naming_the_problem(string body, string expected)
    {
        var response = await gitlab.SendAsync(GitLabSender.Push(body, "glw_any"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected);
    }

    [Fact]
    public async Task A_delivery_without_event_header_is_400()
    {
        var request = GitLabSender.Push(GitLabPayloads.Push(), "glw_any");
        request.Headers.Remove("X-Gitlab-Event");

        await AssertProblemAsync(await gitlab.SendAsync(request), HttpStatusCode.BadRequest, "X-Gitlab-Event");
    }

    [Fact]
    public async Task A_branch_deletion_is_acknowledged_and_releases_nothing()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");

        var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId, after: GitLabPayloads.ZeroSha), host.WebhookToken));

        await AssertIgnoredAsync(response, "Branch master was deleted");
        Assert.Equal(DeliveryStatus.Ignored, Assert.Single(await fixture.DeliveriesAsync(host.Id)).Status);
        Assert.Empty(await fixture.ReleasesAsync(host));
    }

    [Fact]
    public async Task A_branch_without_environment_is_acknowledged_with_the_mapping()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");

        var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push("refs/heads/feature/login", projectId), host.WebhookToken));

        await AssertIgnoredAsync(response, "Branch feature/login maps to no environment of host web (dev → dev, staging → staging, master → production).");
        var delivery = Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Equal(DeliveryStatus.Ignored, delivery.Status);
        Assert.Null(delivery.Environment);
        Assert.Empty(await fixture.ReleasesAsync(host));
    }

    [Fact]
    public async Task An_environment_that_failed_releases_nothing_and_says_why()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora", HostState.Active, EnvironmentState.Failed);

        var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), host.WebhookToken));

        await AssertIgnoredAsync(response, "is Failed, not Active");
        var delivery = Assert.Single(await fixture.DeliveriesAsync(host.Id));
        Assert.Equal(EnvironmentKind.Production, delivery.Environment);
        Assert.Equal(IgnoredBecause.EnvironmentNotActive, delivery.IgnoredBecause);
        Assert.Empty(await fixture.ReleasesAsync(host));
    }

    internal static async Task AssertIgnoredAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ignored", answer.GetProperty("status").GetString());
        Assert.Contains(reason, answer.GetProperty("detail").GetString());
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        await response.Content.LoadIntoBufferAsync(); // Readable again by the caller.
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
    }
}
