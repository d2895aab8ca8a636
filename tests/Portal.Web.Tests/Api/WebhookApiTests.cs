using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;

namespace Portal.Web.Tests.Api;

/// <summary>The host's GitLab delivery log and signing token through the API, as a customer's script sees them.</summary>
public sealed class WebhookApiTests(JoblessPortalFixture jobless) : IClassFixture<JoblessPortalFixture>
{
    private readonly PortalFixture fixture = jobless.Fixture;
    private HostApiHelpers Helpers => new(fixture);

    [Fact]
    public async Task The_delivery_log_says_when_what_and_why_newest_first_and_only_to_the_hosts_customer()
    {
        var (_, api) = await Helpers.CustomerAsync();
        var project = ProvisioningWorld.NextProject();
        var token = (await HostApiHelpers.OrderAsync(api, "logged", project: project)).GetProperty("webhookToken").GetString()!;
        // The numeric id GitLab gave the order's token check, which GitLab's deliveries carry.
        var projectId = await Helpers.DbAsync(db => db.Hosts.Where(h => h.GitLab.PathWithNamespace == project).Select(h => h.GitLab.ProjectId!.Value).SingleAsync());
        using var gitlab = fixture.Portal.CreateClient();

        // The host was just ordered: its environments are being built, so the push is held.
        var push = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push("refs/heads/dev", projectId, path: project), token).From(ProvisioningWorld.GitLabUrl));
        var mergeRequest = await gitlab.SendAsync(GitLabSender.Delivery(
            GitLabDocumentedPayloads.MergeRequest
                .Replace("\"project\": {\n    \"id\": 1,", $"\"project\": {{\n    \"id\": {projectId},")
                .Replace("\"path_with_namespace\":\"gitlabhq/gitlab-test\"", $"\"path_with_namespace\":\"{project}\""),
            token, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), "Merge Request Hook").From(ProvisioningWorld.GitLabUrl));
        var log = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/logged/webhook/deliveries");
        var (_, stranger) = await Helpers.CustomerAsync();
        var foreign = await stranger.GetAsync("/api/v1/hosts/logged/webhook/deliveries");

        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, mergeRequest.StatusCode);
        Assert.Equal(2, log.GetArrayLength());
        var (newest, oldest) = (log[0], log[1]);
        Assert.Equal("Merge Request Hook", newest.GetProperty("event").GetString());
        Assert.Equal("ignored", newest.GetProperty("status").GetString());
        Assert.Contains("only push events", newest.GetProperty("reason").GetString());
        Assert.Equal("Push Hook", oldest.GetProperty("event").GetString());
        Assert.Equal("dev", oldest.GetProperty("branch").GetString());
        Assert.Equal("held", oldest.GetProperty("status").GetString());
        Assert.Equal(202, oldest.GetProperty("answer").GetInt32());
        Assert.Contains("released when the environment is Active", oldest.GetProperty("reason").GetString());
        Assert.Equal("jsmith", oldest.GetProperty("pusher").GetString());
        Assert.Contains("Jordi Mallach <jordi@softcatala.org>", oldest.GetProperty("commitAuthors").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task A_signing_token_cannot_be_made_without_the_portals_signing_key_and_a_bad_count_is_a_field_error()
    {
        var (_, api) = await Helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "unsigned");

        var signing = await api.PostAsync("/api/v1/hosts/unsigned/webhook/signing-token", null);
        var badCount = await api.GetAsync("/api/v1/hosts/unsigned/webhook/deliveries?count=1000");

        Assert.Equal(HttpStatusCode.Conflict, signing.StatusCode);
        Assert.Contains("Webhooks:SigningKey", await signing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badCount.StatusCode);
    }
}
