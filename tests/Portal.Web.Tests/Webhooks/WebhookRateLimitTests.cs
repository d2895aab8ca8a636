using System.Net;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;

namespace Portal.Web.Tests.Webhooks;

public sealed class WebhookRateLimitTests : IAsyncLifetime
{
    private PortalHost portal = null!;

    public async Task InitializeAsync()
    {
        portal = await PortalHost.StartAsync(await PostgresCluster.Shared.CreateDatabaseAsync("ratelimit"), new Dictionary<string, string?>
        {
            ["Webhooks:RateLimitBurst"] = "3",
            ["Webhooks:RateLimitPerSecond"] = "1",
            ["Releases:StartWorkers"] = "0",
        });
    }

    public async Task DisposeAsync() => await portal.DisposeAsync();

    [Fact]
    public async Task A_source_sending_faster_than_the_limit_gets_429_with_retry_after()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await portal.CreateHostAsync(projectId, "mike/diaspora");
        using var gitlab = portal.CreateClient();

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
            responses.Add(await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), host.WebhookToken)));

        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var refused = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await PushWebhookTests.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "retry after");
    }
}
