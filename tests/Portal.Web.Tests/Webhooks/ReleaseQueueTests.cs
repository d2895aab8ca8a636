using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Data.Views;
using Portal.Releases;
using Portal.Releases.Starting;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;

namespace Portal.Web.Tests.Webhooks;

/// <summary>Accepted pushes become pending releases (<see cref="ReleaseQueue"/>), each exactly once, whoever makes them.</summary>
public sealed class ReleaseQueueTests(WebhookPortalFixture fixture) : IClassFixture<WebhookPortalFixture>
{
    private readonly HttpClient gitlab = fixture.Portal.CreateClient();

    [Fact]
    public async Task Starters_making_releases_at_once_make_each_once_with_the_id_gitlab_was_told()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");
        var told = new List<Guid>();
        for (var n = 0; n < 40; n++)
        {
            var commit = n.ToString("x", CultureInfo.InvariantCulture).PadLeft(40, 'a');
            using var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push("refs/heads/dev", projectId, after: commit), host.WebhookToken));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            told.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("releaseId").GetGuid());
        }

        var taken = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => fixture.Portal.WithScopeAsync(async services =>
        {
            var made = 0;
            int batch;
            while ((batch = await WebhookPortalFixture.MakeReleasesAsync(services, 3)) > 0) made += batch;
            return made;
        }))));

        Assert.Equal(40, taken.Sum());
        var releases = await fixture.ReleasesAsync(host);
        Assert.Equal(told.Order(), releases.Select(r => r.Id).Order());
        Assert.All(releases, r => Assert.Equal(ReleaseState.Pending, r.State));
        Assert.All(releases, r => Assert.Equal(host.Environments[EnvironmentKind.Dev], r.HostEnvironmentId));
        Assert.All(await fixture.DeliveriesAsync(host.Id), d => Assert.Equal(DeliveryStatus.Queued, d.Status));
    }

    [Fact]
    public async Task Pushes_waiting_for_their_release_are_listed_first_as_pending_under_the_id_gitlab_was_told()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");
        var dev = await PushAsync(host, projectId, "dev");
        await fixture.ReleasesAsync(host); // makes the dev release
        var production = await PushAsync(host, projectId, "master");
        var staging = await PushAsync(host, projectId, "staging");

        var first = await ReleasesAsync(host, null, 1);
        var second = await ReleasesAsync(host, null, 2);
        var onlyProduction = await ReleasesAsync(host, EnvironmentKind.Production, 1);

        Assert.Equal(3, first.Total);
        Assert.Equal([staging, production], first.Items.Select(r => r.Id));
        Assert.All(first.Items, r => Assert.Equal(ReleaseState.Pending, r.State));
        Assert.Equal("staging", first.Items[0].Branch);
        Assert.Equal([dev], second.Items.Select(r => r.Id));
        Assert.Equal([production], onlyProduction.Items.Select(r => r.Id));
        await fixture.ReleasesAsync(host); // makes the other two
        Assert.Equal([staging, production, dev], (await ReleasesAsync(host, null, 1, 10)).Items.Select(r => r.Id));
    }

    private async Task<Guid> PushAsync(TestHost host, long projectId, string branch)
    {
        using var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push($"refs/heads/{branch}", projectId), host.WebhookToken));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("releaseId").GetGuid();
    }

    private async Task<ResultPage<ReleaseSummary>> ReleasesAsync(TestHost host, EnvironmentKind? environment, int page, int pageSize = 2) =>
        (await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<ReleaseQueries>().ReleasesAsync(host.CustomerId, host.Name, environment, page, pageSize)))!;
}
