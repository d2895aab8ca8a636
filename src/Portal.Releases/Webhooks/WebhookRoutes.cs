using System.Collections.Concurrent;
using Portal.Data;
using Portal.Data.Notifications;

namespace Portal.Releases.Webhooks;

/// <summary>
/// Which hosts release from a GitLab project, kept in memory so that a push costs no routing query. Kept only while
/// the instance's <see cref="NotificationListener"/> hears Postgres's change notifications (<see cref="RoutingNotify"/>):
/// any change empties it, and while the listener is not connected every lookup goes to the database. Notifications arrive a moment
/// after the change commits, so <see cref="PushWebhookService"/> decides only acceptances on kept routes, and the
/// recording statement confirms that the host's token hash is still the one matched (<see cref="WebhookStore.RecordAsync"/>):
/// a regenerated token is refused at once, and a new one accepted at once.
/// </summary>
public sealed class WebhookRoutes(WebhookStore store) : INotificationSubscriber
{
    /// <summary>A bound on memory; only projects that have hosts are kept, so pushes for unknown projects cannot fill it.</summary>
    private const int MaxProjects = 10_000;

    private readonly ConcurrentDictionary<(long ProjectId, string LowerCasePath), IReadOnlyList<HostCandidate>> routes = new();
    private readonly Lock changes = new();
    private long generation;
    private bool listening;

    /// <summary>Hosts of the project: by GitLab project id, or by path (case-insensitive, as GitLab's) for hosts ordered without an id.</summary>
    /// <param name="fresh">From the database even when kept in memory.</param>
    public async Task<ProjectRoute> FindHostsAsync(long projectId, string path, bool fresh, CancellationToken cancellationToken)
    {
        (long ProjectId, string LowerCasePath) key = (projectId, path.ToLowerInvariant());
        if (!fresh && IsListening && routes.TryGetValue(key, out var kept)) return new ProjectRoute(kept, FromMemory: true);

        var seen = Interlocked.Read(ref generation);
        var found = await store.FindHostsAsync(key.ProjectId, key.LowerCasePath, cancellationToken);
        if (found.Count > 0)
            lock (changes)
            {
                // Not kept when a change was heard while the query ran: it may have read the rows from before the change.
                if (listening && generation == seen && routes.Count < MaxProjects) routes[key] = found;
            }
        return new ProjectRoute(found, FromMemory: false);
    }

    /// <summary>Whether changes are heard, so that routes are kept.</summary>
    public bool IsListening => Volatile.Read(ref listening);

    /// <summary>Something that routes pushes changed: forget everything.</summary>
    public void Forget()
    {
        lock (changes)
        {
            generation++;
            routes.Clear();
        }
    }

    public string Channel => RoutingNotify.Channel;

    public void Notified(string payload) => Forget();

    /// <summary>Changes are heard from now on (or, with false, no longer): start keeping routes (or stop) afresh.</summary>
    public void Listening(bool listening)
    {
        lock (changes)
        {
            this.listening = listening;
            generation++;
            routes.Clear();
        }
    }
}

/// <summary>The hosts a project's pushes may be for, and whether they were kept in memory (so may be a moment behind).</summary>
public sealed record ProjectRoute(IReadOnlyList<HostCandidate> Hosts, bool FromMemory);
