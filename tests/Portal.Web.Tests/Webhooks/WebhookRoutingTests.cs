using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Notifications;
using Portal.Data.Security;
using Portal.Releases.Webhooks;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// Routes kept in memory (<see cref="WebhookRoutes"/>) never outlive a change: Postgres's notifications make the portal
/// forget them, and where a notification has not arrived (or never will), the database decides.
/// </summary>
public sealed class WebhookRoutingTests(WebhookPortalFixture fixture) : IClassFixture<WebhookPortalFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly HttpClient gitlab = fixture.Portal.CreateClient();
    private WebhookRoutes Routes => fixture.Portal.Services.GetRequiredService<WebhookRoutes>();

    [Fact]
    public async Task A_token_changed_before_its_notification_arrives_is_refused_at_once()
    {
        var (host, projectId) = await HostWithKeptRouteAsync();
        await ChangeTokenUnannouncedAsync(host.Id, SecretToken.Generate("glwh_"));

        var old = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), host.WebhookToken));

        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Single(await fixture.DeliveriesAsync(host.Id));
    }

    [Fact]
    public async Task A_token_changed_before_its_notification_arrives_is_accepted_at_once()
    {
        var (host, projectId) = await HostWithKeptRouteAsync();
        var newToken = SecretToken.Generate("glwh_");
        await ChangeTokenUnannouncedAsync(host.Id, newToken);

        var renewed = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), newToken));

        Assert.Equal(HttpStatusCode.Accepted, renewed.StatusCode);
        Assert.Equal(2, (await fixture.DeliveriesAsync(host.Id)).Count);
    }

    [Fact]
    public async Task A_changed_branch_routes_pushes_once_postgres_has_told_the_portal()
    {
        var (host, projectId) = await HostWithKeptRouteAsync();

        await SqlAsync($"""UPDATE "HostEnvironments" SET "Branch" = 'release' WHERE "Id" = '{host.Environments[EnvironmentKind.Production]}'""");

        // A route kept in memory still maps "release" to nothing; only the notification makes the push release.
        Assert.True(await EventuallyAcceptedAsync(host, projectId, "refs/heads/release"), "The push to the new branch was never accepted.");
    }

    [Fact]
    public async Task After_losing_its_listening_connection_the_portal_reconnects_and_misses_no_change()
    {
        var (host, projectId) = await HostWithKeptRouteAsync();

        await SqlAsync($"""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = '{NotificationListenerConnection.ApplicationName}' AND datname = current_database()
            """);
        await SqlAsync($"""UPDATE "HostEnvironments" SET "Branch" = 'hotfix' WHERE "Id" = '{host.Environments[EnvironmentKind.Production]}'""");

        Assert.True(await EventuallyAcceptedAsync(host, projectId, "refs/heads/hotfix"), "The push to the new branch was never accepted.");
        Assert.True(await EventuallyAsync(() => Task.FromResult(Routes.IsListening)), "The portal did not listen again.");
        await SqlAsync($"""UPDATE "HostEnvironments" SET "Branch" = 'stable' WHERE "Id" = '{host.Environments[EnvironmentKind.Production]}'""");
        Assert.True(await EventuallyAcceptedAsync(host, projectId, "refs/heads/stable"), "A change after reconnecting was missed.");
    }

    /// <summary>As if the notification were still on its way: triggers (and so NOTIFY) are off for this one change.</summary>
    private Task ChangeTokenUnannouncedAsync(Guid hostId, string token) => SqlAsync(
        "SET LOCAL session_replication_role = replica",
        $"""UPDATE "Hosts" SET "WebhookTokenHash" = '{SecretToken.Hash(token)}' WHERE "Id" = '{hostId}'""");

    /// <summary>A host whose route the portal keeps in memory, with one push accepted.</summary>
    private async Task<(TestHost Host, long ProjectId)> HostWithKeptRouteAsync()
    {
        Assert.True(await EventuallyAsync(() => Task.FromResult(Routes.IsListening)), "The portal never listened for routing changes.");
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await fixture.Portal.CreateHostAsync(projectId, "mike/diaspora");
        // Creating the host notifies too; a route read before that notification arrives is forgotten with it.
        Assert.True(await EventuallyAsync(async () => (await Routes.FindHostsAsync(projectId, "mike/diaspora", fresh: false, default)).FromMemory),
            "The route was never kept in memory.");
        var first = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), host.WebhookToken));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        return (host, projectId);
    }

    private Task<bool> EventuallyAcceptedAsync(TestHost host, long projectId, string gitRef) => EventuallyAsync(async () =>
    {
        using var response = await gitlab.SendAsync(GitLabSender.Push(GitLabPayloads.Push(gitRef, projectId), host.WebhookToken));
        return response.StatusCode == HttpStatusCode.Accepted && (await response.Content.ReadAsStringAsync()).Contains("\"accepted\"");
    });

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>Runs statements in one transaction, as an operator's tool or another portal instance would.</summary>
    private Task SqlAsync(params string[] statements) => fixture.Portal.WithScopeAsync(async services =>
    {
        var db = services.GetRequiredService<PortalDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        foreach (var statement in statements) await db.Database.ExecuteSqlRawAsync(statement);
        await transaction.CommitAsync();
        return true;
    });
}
