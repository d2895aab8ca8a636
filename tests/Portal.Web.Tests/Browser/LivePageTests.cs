using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Notifications;
using Portal.Tests.Support;
using Portal.Web.Live;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

/// <summary>
/// Open pages follow the database by themselves (Postgres notifications, no polling): whoever writes, only the pages
/// concerned re-read, and a lost listener connection is made good.
/// </summary>
public sealed class LivePageTests(PortalFixture fixture) : PortalBrowserTests(fixture)
{
    private const string Password = "Customer#Pass1";

    [Fact]
    public async Task The_host_page_shows_what_any_writer_changes_without_a_reload()
    {
        var customer = await SignInAsNewCustomerAsync();
        var host = await CreateHostAsync(customer.CustomerId!.Value, "live");
        await OpenAsync("/hosts/live");
        await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Active");

        // EF, as the provisioning jobs write.
        await DbAsync(async db =>
        {
            var dev = await db.HostEnvironments.SingleAsync(e => e.HostId == host.Id && e.Kind == EnvironmentKind.Dev);
            dev.State = EnvironmentState.Failed;
            dev.StateReason = "AWS refused cloudformation: written by EF";
            return await db.SaveChangesAsync();
        });
        await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Failed");
        await Expect(Page.GetByTestId("environment-reason-dev")).ToHaveTextAsync("AWS refused cloudformation: written by EF");

        // ExecuteUpdate, as bulk writers do.
        await DbAsync(db => db.Hosts.Where(h => h.Id == host.Id).ExecuteUpdateAsync(u => u.SetProperty(h => h.StateReason, "written by ExecuteUpdate")));
        await Expect(Page.GetByTestId("host-reason")).ToHaveTextAsync("written by ExecuteUpdate");

        // Raw SQL: a stack event and a release.
        await SqlAsync($"""
            INSERT INTO "StackEvents" ("HostEnvironmentId", "EventId", "StackName", "Timestamp", "LogicalResourceId", "ResourceType", "ResourceStatus")
            VALUES ('{host.Environments[EnvironmentKind.Staging]}', '{Guid.NewGuid()}', 'live-staging', now(), 'WrittenBySql', 'AWS::S3::Bucket', 'CREATE_IN_PROGRESS')
            """);
        await Expect(Page.GetByTestId("events-staging").GetByTestId("event-row")).ToContainTextAsync("WrittenBySql");
        await SqlAsync($"""
            INSERT INTO "Releases" ("Id", "HostEnvironmentId", "CommitId", "Branch", "PushedAt", "ClientRequestToken", "State", "CreatedAt", "UpdatedAt", "StartAttempts",
                "StatusReportDue")
            VALUES ('{Guid.NewGuid()}', '{host.Environments[EnvironmentKind.Production]}', 'cafe0000cafe0000cafe0000cafe0000cafe0000', 'master', now(),
                    '{Guid.NewGuid()}', 'Failed', now(), now(), 1, false)
            """);
        await Expect(Page.GetByTestId("release-row")).ToContainTextAsync("cafe0000");

        Assert.True(await Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
    }

    [Fact]
    public async Task The_host_list_shows_a_host_ordered_elsewhere()
    {
        var customer = await SignInAsNewCustomerAsync();
        await Expect(Page.GetByTestId("hosts-empty")).ToBeVisibleAsync();
        await Page.EvaluateAsync("() => window.__sameDocument = true");

        await CreateHostAsync(customer.CustomerId!.Value, "from-elsewhere");

        await Expect(Page.GetByTestId("host-link")).ToHaveTextAsync("from-elsewhere");
        Assert.True(await Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
    }

    [Fact]
    public async Task Another_customers_host_of_the_same_name_changing_does_not_make_the_page_read_again()
    {
        var customer = await SignInAsNewCustomerAsync();
        var mine = await CreateHostAsync(customer.CustomerId!.Value, "web");
        var other = await Fixture.Portal.CreateHostAsync(null, "other/web");
        await OpenAsync("/hosts/web");
        var hub = Fixture.Portal.Services.GetRequiredService<LiveHub>();
        var myPage = await Portal.Tests.Support.Poll.UntilAsync(() => Task.FromResult(hub.Subscriptions.FirstOrDefault(s => s.Topic.HostId == mine.Id)),
            s => s is not null, TimeSpan.FromSeconds(10), "the page to follow its host");
        // The other customer's own page of its host, to know when the other host's notifications have been handled.
        var otherRereads = 0;
        using var othersPage = hub.Subscribe(new LiveTopic(LiveChange.All, other.CustomerId, other.Id), _ =>
        {
            Interlocked.Increment(ref otherRereads);
            return Task.CompletedTask;
        });
        var before = myPage!.Rereads;

        for (var i = 0; i < 5; i++)
        {
            await SqlAsync($"""UPDATE "HostEnvironments" SET "State" = '{(i % 2 == 0 ? "Failed" : "Updating")}' WHERE "HostId" = '{other.Id}'""");
            await Portal.Tests.Support.Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref otherRereads)), n => n > i, TimeSpan.FromSeconds(10),
                "the other customer's change to be handled");
        }
        Assert.Equal(before, myPage.Rereads);
        await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Active");

        await SqlAsync($"""UPDATE "HostEnvironments" SET "State" = 'Updating' WHERE "HostId" = '{mine.Id}' AND "Kind" = 'Dev'""");
        await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Updating");
        Assert.Equal(before + 1, myPage.Rereads);
    }

    [Fact]
    public async Task After_the_listener_connection_is_killed_it_reconnects_and_open_pages_read_what_they_missed()
    {
        var customer = await SignInAsNewCustomerAsync();
        var host = await CreateHostAsync(customer.CustomerId!.Value, "resilient");
        await OpenAsync("/hosts/resilient");
        await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Active");
        var listener = Fixture.Portal.Services.GetRequiredService<NotificationListener>();
        Assert.True(listener.IsListening);

        var killed = await SqlAsync($"""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = '{NotificationListenerConnection.ApplicationName}' AND datname = current_database()
            """);
        Assert.Equal(1, killed);
        await Portal.Tests.Support.Poll.UntilAsync(() => Task.FromResult(listener.IsListening), listening => !listening, TimeSpan.FromSeconds(10),
            "the listener to notice its connection is gone");
        // Written while nobody listens: its notification is lost.
        await SqlAsync($"""
            UPDATE "HostEnvironments" SET "State" = 'Failed', "StateReason" = 'while the listener was away'
            WHERE "HostId" = '{host.Id}' AND "Kind" = 'Dev'
            """);
        Assert.False(listener.IsListening, "the listener reconnected before the write: the test proves nothing");

        await Expect(Page.GetByTestId("environment-reason-dev")).ToHaveTextAsync("while the listener was away");
        Assert.True(listener.IsListening);
        Assert.Equal(1, await SqlAsync($"""
            SELECT count(*) FROM pg_stat_activity WHERE application_name = '{NotificationListenerConnection.ApplicationName}' AND datname = current_database()
            """));
    }

    private Task<PortalUser> SignInAsNewCustomerAsync() => SignInPage.SignInAsNewCustomerAsync(Page, Fixture.Portal, Password);

    private async Task OpenAsync(string path)
    {
        await Page.GotoAsync(path);
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Page.EvaluateAsync("() => window.__sameDocument = true");
    }

    /// <summary>An Active host of the customer with its three environments, as provisioning leaves it.</summary>
    private Task<(Guid Id, IReadOnlyDictionary<EnvironmentKind, Guid> Environments)> CreateHostAsync(Guid customerId, string name) => DbAsync(async db =>
    {
        var host = await new TestHostBuilder(name).OfCustomer(customerId).WithGitLab(null, $"acme/{name}").Provisioned().SaveAsync(db);
        return (host.Id, (IReadOnlyDictionary<EnvironmentKind, Guid>)host.Environments.ToDictionary(e => e.Kind, e => e.Id));
    });

    private Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        Fixture.Portal.WithScopeAsync(services => work(services.GetRequiredService<PortalDbContext>()));

    /// <summary>Runs SQL on a connection of its own; returns the first column of the first row, else the rows affected.</summary>
    private async Task<long> SqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Fixture.World.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        return await command.ExecuteNonQueryAsync();
    }
}
