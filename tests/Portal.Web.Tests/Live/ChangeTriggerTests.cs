using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;

namespace Portal.Web.Tests.Live;

/// <summary>
/// The change triggers on a migrated database (real Postgres): which writes notify whom, whatever the writer (EF,
/// ExecuteUpdate, raw SQL), and which must not (scheduling-only updates, deliveries).
/// </summary>
public sealed class ChangeTriggerTests : IAsyncLifetime
{
    private string connectionString = null!;
    private NpgsqlConnection listener = null!;
    private readonly List<(string Channel, string Payload)> heard = [];

    public async Task InitializeAsync()
    {
        connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("triggers");
        await using (var db = Db()) await db.Database.MigrateAsync();
        listener = new NpgsqlConnection(connectionString);
        await listener.OpenAsync();
        listener.Notification += (_, e) => { lock (heard) heard.Add((e.Channel, e.Payload)); };
        await using var listen = new NpgsqlCommand($"LISTEN {LiveNotify.Channel}; LISTEN {WorkNotify.Channel};", listener);
        await listen.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await listener.DisposeAsync();

    private PortalDbContext Db() => new(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connectionString).Options);

    [Fact]
    public async Task Each_writer_of_a_host_notifies_its_customer_and_host_but_scheduling_only_updates_notify_nobody()
    {
        var (customerId, host) = await CreateHostAsync(HostState.Active);
        var environment = host.Environments.Single(e => e.Kind == EnvironmentKind.Dev);
        Assert.Contains((LiveNotify.Channel, LiveNotify.Payload(LiveNotify.Host, customerId, host.Id)), await HeardAsync());

        await using (var db = Db())
        {
            var tracked = await db.HostEnvironments.SingleAsync(e => e.Id == environment.Id);
            tracked.State = EnvironmentState.Updating;
            await db.SaveChangesAsync();
        }
        Assert.Equal([(LiveNotify.Channel, LiveNotify.Payload(LiveNotify.Host, customerId, host.Id))], await HeardAsync());

        await using (var db = Db())
            await db.HostEnvironments.Where(e => e.HostId == host.Id).ExecuteUpdateAsync(u => u
                .SetProperty(e => e.NextCheckAt, DateTimeOffset.UtcNow).SetProperty(e => e.ScheduledCheckId, Guid.NewGuid())
                .SetProperty(e => e.UpdatedAt, DateTimeOffset.UtcNow));
        Assert.Empty(await HeardAsync());

        await using (var db = Db())
            await db.Hosts.Where(h => h.Id == host.Id).ExecuteUpdateAsync(u => u.SetProperty(h => h.StateReason, "by ExecuteUpdate"));
        Assert.Equal([(LiveNotify.Channel, LiveNotify.Payload(LiveNotify.Host, customerId, host.Id))], await HeardAsync());

        await ExecuteAsync($"""
            INSERT INTO "StackEvents" ("HostEnvironmentId", "EventId", "StackName", "Timestamp", "LogicalResourceId", "ResourceStatus")
            SELECT '{environment.Id}', 'event-' || g, 'stack', now(), 'Resource' || g, 'CREATE_COMPLETE' FROM generate_series(1, 500) AS g
            """);
        Assert.Equal([(LiveNotify.Channel, LiveNotify.Payload(LiveNotify.Events, customerId, host.Id))], await HeardAsync());
    }

    [Fact]
    public async Task Releases_their_stages_and_decisions_notify_the_host_and_release_and_wake_the_starters_and_the_sync()
    {
        var (customerId, host) = await CreateHostAsync(HostState.Active);
        var environment = host.Environments.Single(e => e.Kind == EnvironmentKind.Production);
        await HeardAsync();
        var release = new Release
        {
            HostEnvironmentId = environment.Id,
            CommitId = "abc",
            Branch = "master",
            ClientRequestToken = Guid.NewGuid().ToString(),
            PushedAt = DateTimeOffset.UtcNow,
        };
        await using (var db = Db())
        {
            db.Releases.Add(release);
            await db.SaveChangesAsync();
        }
        var payload = LiveNotify.Payload(LiveNotify.Release, customerId, host.Id, release.Id);
        Assert.Equal([(LiveNotify.Channel, payload), (WorkNotify.Channel, WorkNotify.Start)], await HeardAsync());

        await ExecuteAsync($"""UPDATE "Releases" SET "State" = 'WaitingForApproval', "PipelineExecutionId" = 'x' WHERE "Id" = '{release.Id}'""");
        Assert.Equal([(LiveNotify.Channel, payload), (WorkNotify.Channel, WorkNotify.Sync)], await HeardAsync());

        await ExecuteAsync($"""
            INSERT INTO "ReleaseStages" ("ReleaseId", "Name", "Order", "Status")
            VALUES ('{release.Id}', 'Source', 0, 'Succeeded'), ('{release.Id}', 'Build', 1, 'InProgress')
            """);
        Assert.Equal([(LiveNotify.Channel, payload)], await HeardAsync());

        await using (var db = Db())
        {
            var user = new PortalUser { UserName = "op@example.com", Email = "op@example.com", DisplayName = "op" };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            await HeardAsync();
            db.ApprovalDecisions.Add(new ApprovalDecision { ReleaseId = release.Id, OperatorId = user.Id, ApprovalTokenHash = "h", Comment = "ok" });
            await db.SaveChangesAsync();
        }
        Assert.Equal([(LiveNotify.Channel, payload)], await HeardAsync());
    }

    [Fact]
    public async Task A_recorded_delivery_notifies_nobody_an_order_wakes_the_reconciler_and_many_hosts_at_once_are_one_wildcard()
    {
        var (_, host) = await CreateHostAsync(HostState.Ordered);
        // The host's page hears of it too; of the work channel, only the reconciler is woken.
        Assert.Equal([WorkNotify.Order], (await HeardAsync()).Where(n => n.Channel == WorkNotify.Channel).Select(n => n.Payload));

        await ExecuteAsync($"""
            INSERT INTO "PushDeliveries" ("Id", "DeliveryId", "HostId", "Ref", "After", "ReceivedAt", "Status", "CommitAuthors")
            SELECT gen_random_uuid(), 'delivery-' || g, '{host.Id}', 'refs/heads/dev', 'abc', now(), 'Accepted', '[]' FROM generate_series(1, 100) AS g
            """);
        Assert.Empty(await HeardAsync());

        await CreateManyHostsAsync(LiveNotify.MaxTargets + 1);
        var heardOfHosts = (await HeardAsync()).Where(n => n.Channel == LiveNotify.Channel && n.Payload.StartsWith(LiveNotify.Host + " ", StringComparison.Ordinal));
        Assert.Equal([$"{LiveNotify.Host} {LiveNotify.Everything}"], heardOfHosts.Select(n => n.Payload));
    }

    private async Task<(Guid CustomerId, Host Host)> CreateHostAsync(HostState state)
    {
        await using var db = Db();
        var host = await new TestHostBuilder("web").Provisioned(state).SaveAsync(db);
        return (host.CustomerId, host);
    }

    private async Task CreateManyHostsAsync(int count)
    {
        await using var db = Db();
        var customer = new Customer { Name = "Many", Slug = "m" + Guid.NewGuid().ToString("N")[..12] };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        await ExecuteAsync($"""
            INSERT INTO "Hosts" ("Id", "CustomerId", "Name", "ResourceKey", "Plan", "GitLabProjectPath", "GitLabHttpUrl", "GitLabAutomates", "GitLabHookDue",
                "DatabaseEngine", "DatabaseInstanceClass", "DatabaseStorageGb", "DatabaseMultiAz", "DeploymentStyle", "HealthCheckPath", "ApproverEmails",
                "RequiredApprovals", "State", "CreatedAt", "UpdatedAt")
            SELECT gen_random_uuid(), '{customer.Id}', 'host-' || g, 'm' || lpad(g::text, 5, '0'), 'small', 'a/b', 'https://gitlab.example.com/a/b.git',
                false, false, 'none', 'db.t4g.micro', 20, false, 'InPlace', '/', ARRAY[]::text[], 2, 'Active', now(), now()
            FROM generate_series(1, {count}) AS g
            """);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>What the listener heard since last asked, once nothing more arrives for a moment.</summary>
    private async Task<List<(string Channel, string Payload)>> HeardAsync()
    {
        while (await listener.WaitAsync(TimeSpan.FromMilliseconds(300))) { }
        lock (heard)
        {
            var all = heard.ToList();
            heard.Clear();
            return all;
        }
    }
}
