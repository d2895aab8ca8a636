using Microsoft.Extensions.Logging.Abstractions;
using Portal.Data;
using Portal.Tests.Support;
using Portal.Web.Live;

namespace Portal.Web.Tests.Live;

/// <summary>The hub's routing of notifications to pages and its coalescing of bursts (no database: the hub is fed payloads).</summary>
public sealed class LiveHubTests
{
    private static readonly Guid CustomerA = Guid.NewGuid();
    private static readonly Guid CustomerB = Guid.NewGuid();
    private static readonly Guid HostA = Guid.NewGuid();
    private static readonly Guid HostB = Guid.NewGuid();

    private readonly LiveHub hub = new(NullLogger<LiveHub>.Instance);

    [Fact]
    public async Task A_burst_of_notifications_while_a_reread_runs_causes_exactly_one_more_reread_of_everything_it_named()
    {
        var first = new TaskCompletionSource();
        var reads = new List<LiveChange>();
        var readCount = 0;
        var done = new TaskCompletionSource();
        using var page = hub.Subscribe(new LiveTopic(LiveChange.All, CustomerA, HostA), async changes =>
        {
            lock (reads) reads.Add(changes);
            if (Interlocked.Increment(ref readCount) == 1) await first.Task;
            else done.TrySetResult();
        });

        hub.Notified(LiveNotify.Payload(LiveNotify.Host, CustomerA, HostA));
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref readCount)), n => n == 1, TimeSpan.FromSeconds(5), "the first re-read");
        for (var i = 0; i < 100; i++)
        {
            hub.Notified(LiveNotify.Payload(LiveNotify.Events, CustomerA, HostA));
            hub.Notified(LiveNotify.Payload(LiveNotify.Release, CustomerA, HostA, Guid.NewGuid()));
        }
        first.SetResult();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(200);

        Assert.Equal([LiveChange.Host, LiveChange.Events | LiveChange.Release], reads);
        Assert.Equal(2, page.Rereads);
    }

    [Fact]
    public async Task Only_the_pages_showing_the_host_or_its_customer_or_every_host_are_told()
    {
        var told = new Dictionary<string, LiveChange>();
        LiveSubscription Page(string name, LiveTopic topic) => Recording(told, name, topic);
        using var hostPageOfA = Page("A's host page", new LiveTopic(LiveChange.Host | LiveChange.Events, CustomerA, HostA));
        using var hostListOfA = Page("A's host list", new LiveTopic(LiveChange.Host, CustomerA));
        using var hostPageOfB = Page("B's host page", new LiveTopic(LiveChange.Host | LiveChange.Events, CustomerB, HostB));
        using var approvals = Page("approvals", new LiveTopic(LiveChange.Release));
        using var operatorHostPage = Page("operator's page of B's host", new LiveTopic(LiveChange.Host, HostId: HostB));

        hub.Notified(LiveNotify.Payload(LiveNotify.Events, CustomerB, HostB));
        hub.Notified(LiveNotify.Payload(LiveNotify.Host, CustomerB, HostB));
        // A forged pairing (A's customer id with B's host) reaches nobody of A's: host pages check both ids.
        hub.Notified(LiveNotify.Payload(LiveNotify.Host, CustomerA, HostB));
        await Task.Delay(300);

        lock (told)
        {
            Assert.Equal(LiveChange.Host | LiveChange.Events, told["B's host page"]);
            Assert.Equal(LiveChange.Host, told["operator's page of B's host"]);
            Assert.False(told.ContainsKey("A's host page"), "A's host page was told of B's host");
            Assert.False(told.ContainsKey("approvals"), "a host change is not a release change");
            Assert.Equal(LiveChange.Host, told["A's host list"]);
        }
    }

    [Fact]
    public async Task Everyone_of_the_kind_is_told_of_a_wildcard_and_everyone_rereads_everything_after_a_reconnect()
    {
        var told = new Dictionary<string, LiveChange>();
        LiveSubscription Page(string name, LiveTopic topic) => Recording(told, name, topic);
        using var a = Page("a", new LiveTopic(LiveChange.Host | LiveChange.Release, CustomerA, HostA));
        using var b = Page("b", new LiveTopic(LiveChange.Events, CustomerB));

        hub.Notified($"{LiveNotify.Host} {LiveNotify.Everything}");
        await Poll.UntilAsync(() => Task.FromResult(a.Rereads), n => n == 1, TimeSpan.FromSeconds(5), "a's re-read");
        lock (told) Assert.Equal(LiveChange.Host, told["a"]);
        lock (told) Assert.False(told.ContainsKey("b"));

        hub.Listening(true);
        await Poll.UntilAsync(() => Task.FromResult(b.Rereads), n => n == 1, TimeSpan.FromSeconds(5), "b's re-read");
        lock (told) Assert.Equal(LiveChange.All, told["b"]);
    }

    /// <summary>A page that notes what it was told to re-read, under its name.</summary>
    private LiveSubscription Recording(Dictionary<string, LiveChange> told, string name, LiveTopic topic) => hub.Subscribe(topic, changes =>
    {
        lock (told) told[name] = told.GetValueOrDefault(name) | changes;
        return Task.CompletedTask;
    });

    [Fact]
    public async Task A_disposed_page_is_not_told_and_garbage_payloads_are_ignored()
    {
        var rereads = 0;
        var page = hub.Subscribe(new LiveTopic(LiveChange.All, CustomerA, HostA), _ => { Interlocked.Increment(ref rereads); return Task.CompletedTask; });
        page.Dispose();
        hub.Notified(LiveNotify.Payload(LiveNotify.Host, CustomerA, HostA));
        foreach (var garbage in new[] { "", "host", "host x y", $"host {CustomerA}", $"host {CustomerA} {HostA} nope", "host * *" })
            hub.Notified(garbage);
        await Task.Delay(200);
        Assert.Equal(0, rereads);
        Assert.Empty(hub.Subscriptions);
    }
}
