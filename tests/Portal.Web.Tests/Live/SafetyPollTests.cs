using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Web.Tests.Webhooks;

namespace Portal.Web.Tests.Live;

/// <summary>
/// Work whose notification never came is still done: written with the triggers off (session_replication_role = replica,
/// as a restore or a replica-side tool would), or with no trigger at all (deliveries), it waits for the loops' safety polls.
/// </summary>
public sealed class ReconcilerSafetyPollTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task An_order_written_without_its_notification_is_still_provisioned()
    {
        var host = await fixture.Portal.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("SET LOCAL session_replication_role = replica");
            var placed = await TestOrders.PlaceAsync(db, "unannounced", [EnvironmentKind.Dev]);
            await transaction.CommitAsync();
            return placed;
        });

        var provisioned = await fixture.World.WaitForAsync(host.Id, HostState.Active, TimeSpan.FromSeconds(90));
        Assert.All(provisioned.Environments, e => Assert.Equal(EnvironmentState.Active, e.State));
    }
}

public sealed class StarterSafetyPollTests(ReleasePortalFixture fixture) : IClassFixture<ReleasePortalFixture>
{
    [Fact]
    public async Task An_accepted_push_nobody_announced_is_started_by_the_safety_poll()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();
        var after = repository.Commit("dev", "unannounced", ("README.md", "unannounced\n"));
        var releaseId = Guid.CreateVersion7();
        // Deliveries have no trigger, and this one skips the webhook's announcement: only the starters' own poll finds it.
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO "PushDeliveries" ("Id", "DeliveryId", "HostId", "Environment", "Ref", "After", "ReceivedAt", "ReleaseId", "Status",
                    "CommitAuthors")
                VALUES (@id, 'unannounced', @host, 'Dev', 'refs/heads/dev', @after, now(), @release, 'Accepted', '[]')
                """, connection);
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
            insert.Parameters.AddWithValue("host", host.Id);
            insert.Parameters.AddWithValue("release", releaseId);
            insert.Parameters.AddWithValue("after", after);
            await insert.ExecuteNonQueryAsync();
        }

        var release = await fixture.WaitForReleaseAsync(releaseId, r => r.PipelineExecutionId is not null, "started");
        Assert.Equal(host.Environments[EnvironmentKind.Dev], release.HostEnvironmentId);
        Assert.Single(await fixture.ExecutionsAsync(host.Pipelines[EnvironmentKind.Dev]));
    }
}

public sealed class SyncSafetyPollTests(ReleasePortalFixture fixture) : IClassFixture<ReleasePortalFixture>
{
    [Fact]
    public async Task A_release_in_flight_written_without_its_notification_is_still_followed()
    {
        var (host, _) = await fixture.CreateHostWithPipelinesAsync();
        var pipeline = host.Pipelines[EnvironmentKind.Dev];
        var token = Guid.NewGuid().ToString();
        var executionId = await fixture.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest(pipeline) { ClientRequestToken = token });
        var release = new Release
        {
            HostEnvironmentId = host.Environments[EnvironmentKind.Dev],
            CommitId = "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            Branch = "dev",
            ClientRequestToken = token,
            PipelineExecutionId = executionId,
            State = ReleaseState.InProgress,
            PushedAt = DateTimeOffset.UtcNow,
        };
        await fixture.Portal.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("SET LOCAL session_replication_role = replica");
            db.Releases.Add(release);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return 0;
        });

        var followed = await fixture.WaitForReleaseAsync(release.Id, r => r.Stages.Count > 0, "synced with its execution", TimeSpan.FromSeconds(60));
        Assert.Contains(followed.Stages, s => s.Name == "Source");
    }
}
