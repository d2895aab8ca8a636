using System.Collections.Concurrent;

namespace Portal.Releases.Webhooks;

/// <summary>
/// Decides whether a delivery refused for its token gets an audit entry: at most one per host per window, so that
/// someone guessing tokens cannot fill the audit log. Keyed by host, so its size is bounded by the number of hosts.
/// </summary>
public sealed class RejectedTokenAudit(GitLabWebhookOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> lastRecorded = new();

    public bool ShouldRecord(Guid hostId)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            if (!lastRecorded.TryGetValue(hostId, out var last))
            {
                if (lastRecorded.TryAdd(hostId, now)) return true;
                continue;
            }
            if (now - last < options.RejectedTokenAuditWindow) return false;
            if (lastRecorded.TryUpdate(hostId, now, last)) return true;
        }
    }
}
