using System.Collections.Concurrent;
using Portal.Aws.ElasticLoadBalancing;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// The rules of a listener (their priorities, their target groups), read with DescribeRules and shared for a few seconds by every
/// allocation in this process: a burst of orders costs one listing, not one each (a listing grows with the fleet).
/// Rules the portal creates are held in the database anyway; this catches rules made outside the portal, which are rare.
/// </summary>
public sealed class ListenerRulePriorities(ILoadBalancerRules rules, ProvisioningOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Snapshot>>> snapshots = new(StringComparer.Ordinal);

    /// <summary>The priorities the listener's rules use.</summary>
    public async Task<int[]> UsedAsync(string listenerArn, CancellationToken cancellationToken) =>
        (await RulesAsync(listenerArn, cancellationToken)).Select(r => r.NumericPriority).OfType<int>().ToArray();

    public async Task<IReadOnlyList<ListenerRuleInfo>> RulesAsync(string listenerArn, CancellationToken cancellationToken)
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
            if (clock.GetUtcNow() - snapshot.ReadAt <= options.ListenerRulesFreshFor) return snapshot.Rules;
            snapshots.TryRemove(KeyValuePair.Create(listenerArn, current));
        }
    }

    // Shared by every waiting allocation, so no one caller's cancellation may end it; the client's timeouts bound it.
    private async Task<Snapshot> ReadAsync(string listenerArn)
    {
        var listed = await rules.DescribeRulesAsync(listenerArn, CancellationToken.None);
        return new Snapshot(listed, clock.GetUtcNow());
    }

    private sealed record Snapshot(IReadOnlyList<ListenerRuleInfo> Rules, DateTimeOffset ReadAt);
}
