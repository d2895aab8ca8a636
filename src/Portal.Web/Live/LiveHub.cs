using Portal.Data;
using Portal.Data.Notifications;

namespace Portal.Web.Live;

/// <summary>
/// Tells the open pages of this instance what changed (<see cref="LiveNotify"/>, heard by the <see cref="NotificationListener"/>),
/// so that only the pages showing that host, release or list re-read it. A notification costs a dictionary look-up by
/// host and by customer, whatever the number of pages open; a page that is not concerned is not touched. After the
/// listener reconnects every page re-reads once, since notifications may have been missed meanwhile. Re-reads take turns
/// (<see cref="MaxConcurrentRereads"/> at once), so a change of every host reaches every page without a stampede.
/// </summary>
public sealed class LiveHub(ILogger<LiveHub> logger) : INotificationSubscriber, IDisposable
{
    /// <summary>
    /// Re-reads running at once. A change of many hosts (or a reconnect) concerns every page at the same moment; past a few
    /// per core they only compete for the same CPU and make the connection pool open a connection for each.
    /// </summary>
    public static readonly int MaxConcurrentRereads = Math.Max(8, Environment.ProcessorCount * 4);

    private readonly SemaphoreSlim rereading = new(MaxConcurrentRereads);
    private readonly Lock gate = new();
    private readonly Dictionary<Guid, HashSet<LiveSubscription>> byHost = [];
    private readonly Dictionary<Guid, HashSet<LiveSubscription>> byCustomer = [];
    private readonly HashSet<LiveSubscription> everyHost = [];

    public void Dispose() => rereading.Dispose();

    public string Channel => LiveNotify.Channel;

    /// <summary>The pages following changes right now (diagnostics, tests).</summary>
    public IReadOnlyList<LiveSubscription> Subscriptions
    {
        get { lock (gate) return [.. byHost.Values.SelectMany(s => s), .. byCustomer.Values.SelectMany(s => s), .. everyHost]; }
    }

    /// <summary>
    /// Starts following <paramref name="topic"/>: <paramref name="reread"/> runs with what changed, never twice at once; changes
    /// that arrive while it runs make it run exactly once more. Disposing the subscription stops it.
    /// </summary>
    /// <param name="minInterval">Shortest time between two re-reads (lists of every host, which any change concerns).</param>
    public LiveSubscription Subscribe(LiveTopic topic, Func<LiveChange, Task> reread, TimeSpan minInterval = default)
    {
        var subscription = new LiveSubscription(this, topic, reread, minInterval, rereading, logger);
        lock (gate) SetOf(topic, create: true)!.Add(subscription);
        return subscription;
    }

    internal void Remove(LiveSubscription subscription)
    {
        lock (gate)
        {
            var set = SetOf(subscription.Topic, create: false);
            if (set is null || !set.Remove(subscription) || set.Count > 0) return;
            if (subscription.Topic.HostId is { } host) byHost.Remove(host);
            else if (subscription.Topic.CustomerId is { } customer) byCustomer.Remove(customer);
        }
    }

    public void Notified(string payload)
    {
        if (!LiveNotify.TryParse(payload, out var notice)) return;
        List<(LiveSubscription Subscription, LiveChange Change)> concerned = [];
        lock (gate)
        {
            if (notice.HostId is null)
            {
                foreach (var set in byHost.Values) Collect(set, notice, concerned);
                foreach (var set in byCustomer.Values) Collect(set, notice, concerned);
            }
            else
            {
                if (byHost.TryGetValue(notice.HostId.Value, out var ofHost)) Collect(ofHost, notice, concerned);
                if (byCustomer.TryGetValue(notice.CustomerId!.Value, out var ofCustomer)) Collect(ofCustomer, notice, concerned);
            }
            Collect(everyHost, notice, concerned);
        }
        foreach (var (subscription, change) in concerned) subscription.Changed(change);
    }

    public void Listening(bool listening)
    {
        if (!listening) return;
        foreach (var subscription in Subscriptions) subscription.Changed(LiveChange.All);
    }

    private static void Collect(HashSet<LiveSubscription> set, LiveNotice notice, List<(LiveSubscription, LiveChange)> concerned)
    {
        foreach (var subscription in set)
            if (subscription.Topic.Matches(notice) is var change and not LiveChange.None) concerned.Add((subscription, change));
    }

    private HashSet<LiveSubscription>? SetOf(LiveTopic topic, bool create)
    {
        if (topic.HostId is null && topic.CustomerId is null) return everyHost;
        var (index, key) = topic.HostId is { } host ? (byHost, host) : (byCustomer, topic.CustomerId!.Value);
        if (index.TryGetValue(key, out var set) || !create) return set;
        return index[key] = [];
    }
}

/// <summary>
/// One page's following of a <see cref="LiveTopic"/>. Coalesces: changes are collected while a re-read runs, and one more
/// re-read (of everything collected) follows it; a burst of a hundred notifications costs at most two re-reads.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly LiveHub hub;
    private readonly Func<LiveChange, Task> reread;
    private readonly TimeSpan minInterval;
    private readonly SemaphoreSlim rereading;
    private readonly ILogger logger;
    private int pending;
    private int running;
    private volatile bool disposed;

    internal LiveSubscription(LiveHub hub, LiveTopic topic, Func<LiveChange, Task> reread, TimeSpan minInterval, SemaphoreSlim rereading,
        ILogger logger)
    {
        this.hub = hub;
        Topic = topic;
        this.reread = reread;
        this.minInterval = minInterval;
        this.rereading = rereading;
        this.logger = logger;
    }

    public LiveTopic Topic { get; }

    private int rereads;

    /// <summary>How many re-reads started so far (diagnostics, tests).</summary>
    public int Rereads => Volatile.Read(ref rereads);

    internal void Changed(LiveChange change)
    {
        if (disposed) return;
        Interlocked.Or(ref pending, (int)change);
        if (Interlocked.CompareExchange(ref running, 1, 0) == 0) _ = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            var started = Environment.TickCount64;
            var changes = LiveChange.None;
            // Changes that arrive while this waits for its turn are read in the same re-read.
            await rereading.WaitAsync();
            try
            {
                changes = (LiveChange)Interlocked.Exchange(ref pending, 0);
                if (changes != LiveChange.None && !disposed)
                {
                    Interlocked.Increment(ref rereads);
                    await reread(changes);
                }
            }
            catch (Exception e) when (!disposed)
            {
                // The page stays live: the next change (or the listener's reconnect) re-reads again.
                logger.LogWarning(e, "A live page failed to re-read {Changes}.", changes);
            }
            catch (Exception)
            {
                // The page went away while it read (its reads are cancelled then).
            }
            finally
            {
                rereading.Release();
            }
            if (changes == LiveChange.None || disposed)
            {
                Volatile.Write(ref running, 0);
                // A change that came after the exchange but before running was cleared must not wait for the next one.
                if (Volatile.Read(ref pending) == 0 || disposed || Interlocked.CompareExchange(ref running, 1, 0) != 0) return;
                continue;
            }
            var rest = minInterval - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
            if (rest > TimeSpan.Zero && Volatile.Read(ref pending) != 0) await Task.Delay(rest);
        }
    }

    public void Dispose()
    {
        disposed = true;
        hub.Remove(this);
    }
}
