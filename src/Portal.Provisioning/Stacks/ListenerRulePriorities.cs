using System.Collections.Concurrent;
using Portal.Provisioning.Aws;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// The rule priorities a listener's load balancer uses, read with DescribeRules and shared for a few seconds by every
/// allocation in this process: a burst of orders costs one listing, not one each (a listing grows with the fleet).
/// Rules the portal creates are held in the database anyway; this catches rules made outside the portal, which are rare.
/// </summary>
public sealed class ListenerRulePriorities(ILoadBalancerRules rules, ProvisioningOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Snapshot>>> snapshots = new(StringComparer.Ordinal);

    public async Task<int[]> UsedAsync(string listenerArn, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = snapshots.GetOrAdd(listenerArn, arn => new Lazy<Task<Snapshot>>(() => ReadAsync(arn)));
            Snapshot snapshot;
            try
            {
                snapshot = await current.Value.WaitAsync(cancellationToken);
            }
            catch when (current.Value.IsFaulted)
            {
                snapshots.TryRemove(KeyValuePair.Create(listenerArn, current));
                throw;
            }
            if (clock.GetUtcNow() - snapshot.ReadAt <= options.ListenerRulesFreshFor) return snapshot.Priorities;
            snapshots.TryRemove(KeyValuePair.Create(listenerArn, current));
        }
    }

    // Shared by every waiting allocation, so no one caller's cancellation may end it; the client's timeouts bound it.
    private async Task<Snapshot> ReadAsync(string listenerArn)
    {
        var listed = await rules.DescribeRulesAsync(listenerArn, CancellationToken.None);
        return new Snapshot(listed.Select(r => r.NumericPriority).OfType<int>().ToArray(), clock.GetUtcNow());
    }

    private sealed record Snapshot(int[] Priorities, DateTimeOffset ReadAt);
}
