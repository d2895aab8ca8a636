using System.Net;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// A self-managed GitLab sends every customer's hooks from a few addresses: refused deliveries are limited per address,
/// genuine ones (a valid token) are paced per host and never answered 429.
/// </summary>
public sealed class WebhookRateLimitTests : IAsyncLifetime
{
    private PortalHost portal = null!;

    public async Task InitializeAsync()
    {
        portal = await PortalHost.StartAsync(await PostgresCluster.Shared.CreateDatabaseAsync("ratelimit"), new Dictionary<string, string?>
        {
            ["Webhooks:RateLimitBurst"] = "3",
            ["Webhooks:RateLimitPerSecond"] = "5",
            ["Webhooks:RefusedRateLimitBurst"] = "3",
            ["Webhooks:RefusedRateLimitPerSecond"] = "1",
            ["Releases:StartWorkers"] = "0",
        });
    }

    public async Task DisposeAsync() => await portal.DisposeAsync();

    [Fact]
    public async Task An_address_sending_wrong_tokens_faster_than_the_limit_gets_429_with_retry_after_while_valid_tokens_get_through()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await portal.CreateHostAsync(projectId, "mike/diaspora");
        using var gitlab = portal.CreateClient();

        var refused = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
            refused.Add(await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), "glw_wrong")));
        var genuine = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), host.WebhookToken));

        Assert.Contains(refused, r => r.StatusCode == HttpStatusCode.Unauthorized);
        var throttled = refused.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(throttled.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await PushWebhookTests.AssertProblemAsync(throttled, HttpStatusCode.TooManyRequests, "retry after");
        Assert.Equal(HttpStatusCode.Accepted, genuine.StatusCode);
    }

    [Fact]
    public async Task Deliveries_with_a_valid_token_beyond_the_hosts_rate_are_paced_never_refused()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await portal.CreateHostAsync(projectId, "mike/diaspora");
        using var gitlab = portal.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), host.WebhookToken))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
    }
}

/// <summary>The body limit, on a portal whose limit is 1 MiB so that the test sends little (the default is GitLab's 25 MB).</summary>
public sealed class WebhookBodyLimitTests : IAsyncLifetime
{
    private PortalHost portal = null!;

    public async Task InitializeAsync()
    {
        portal = await PortalHost.StartAsync(await PostgresCluster.Shared.CreateDatabaseAsync("bodylimit"), new Dictionary<string, string?>
        {
            ["Webhooks:MaxBodyBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Releases:StartWorkers"] = "0",
        });
    }

    public async Task DisposeAsync() => await portal.DisposeAsync();

    [Fact]
    public void The_default_limit_is_GitLabs_25_MB() =>
        Assert.Equal(25 * 1024 * 1024, new Portal.Releases.Webhooks.GitLabWebhookOptions().MaxBodyBytes);

    [Fact]
    public async Task A_body_over_the_limit_is_413_whether_or_not_its_length_is_declared()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await portal.CreateHostAsync(projectId, "mike/diaspora");
        var oversized = GitLabPayloads.Push(projectId: projectId).Replace("\"description\": \"\"", $"\"description\": \"{new string('x', 1024 * 1024)}\"");
        using var gitlab = portal.CreateClient();

        var declared = await gitlab.SendAsync(GitLabSender.Push(oversized, host.WebhookToken));
        var chunked = GitLabSender.Push(oversized, host.WebhookToken);
        chunked.Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(oversized))); // No Content-Length.
        chunked.Content.Headers.ContentType = new("application/json");
        var streamed = await portal.CreateClient().SendAsync(chunked);

        await PushWebhookTests.AssertProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge, "1 MiB");
        await PushWebhookTests.AssertProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "1 MiB");
    }
}
