using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// Pushes the way GitLab delivers them: the portal registers its own project hook at the stand-in (the order's api
/// token), a <c>git push</c> makes the stand-in send the push hook, and the release the portal made of it is found by
/// its commit. Nothing is posted by hand, so no hand-made delivery races the stand-in's own.
/// </summary>
internal static class StandInPushes
{
    /// <summary>The project's hooks as GitLab's API lists them, until the portal's is there with the branch filter of the mapped branches.</summary>
    public static async Task<JsonObject> WaitForPortalHookAsync(PortalFixture fixture, GitLabRepository repository, string branchFilter)
    {
        using var api = fixture.World.GitLab.Api(repository.Token);
        var hook = await Poll.UntilAsync(async () =>
            (await api.GetFromJsonAsync<JsonArray>($"projects/{repository.ProjectId}/hooks"))!.OfType<JsonObject>()
                .FirstOrDefault(h => h["url"]!.GetValue<string>() == new Uri(fixture.Portal.BaseUrl, "hooks/gitlab").ToString()
                    && h["push_events_branch_filter"]?.GetValue<string>() == branchFilter),
            h => h is not null, TimeSpan.FromSeconds(30), $"the portal's webhook at the stand-in, filter {branchFilter}",
            h => h?.ToJsonString() ?? "no hook");
        Assert.Equal("regex", hook!["branch_filter_strategy"]!.GetValue<string>());
        Assert.True(hook["push_events"]!.GetValue<bool>());
        Assert.False(hook["tag_push_events"]!.GetValue<bool>());
        Assert.True(hook["enable_ssl_verification"]!.GetValue<bool>());
        return hook;
    }

    /// <summary>Waits for the release the stand-in's hook made of the commit, syncing its environment until the condition holds.</summary>
    public static async Task<Release> ReleaseOfAsync(PortalFixture fixture, Guid hostId, Guid environmentId, string sha,
        Func<Release, bool> condition, string what)
    {
        Guid? releaseId;
        try
        {
            releaseId = await Poll.UntilAsync(() => fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Releases
                    .Where(r => r.HostEnvironmentId == environmentId && r.CommitId == sha).Select(r => (Guid?)r.Id).SingleOrDefaultAsync()),
                id => id is not null, TimeSpan.FromSeconds(30), $"a release of {sha} made from the stand-in's push hook", _ => "none");
        }
        catch (TimeoutException e)
        {
            var hookId = await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Hosts
                .Where(h => h.Id == hostId).Select(h => h.GitLab.HookId).SingleAsync());
            var events = hookId is null ? "no hook" : (await fixture.World.GitLab.AdminGetAsync($"hooks/{hookId}/events")).ToJsonString();
            throw new TimeoutException($"{e.Message}; the stand-in's deliveries: {events[..Math.Min(events.Length, 3000)]}", e);
        }
        return await ReleasePortalFixture.SyncUntilAsync(fixture.Portal, environmentId, releaseId!.Value, condition, what, TimeSpan.FromSeconds(60));
    }
}
