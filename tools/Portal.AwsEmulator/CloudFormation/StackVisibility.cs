using System.Collections.Concurrent;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>
/// Stacks that DescribeStacks and DescribeStackEvents do not see yet (injected eventual consistency): each lookup of
/// such a stack, by name or id, answers "Stack with id X does not exist" until its misses are spent. Thread-safe.
/// </summary>
public sealed class StackVisibility
{
    private readonly ConcurrentDictionary<string, int> misses = new(StringComparer.Ordinal);

    public void Hide(string stackId, int count)
    {
        if (count > 0) misses[stackId] = count;
    }

    /// <summary>Throws CloudFormation's answer for a stack it does not know when the stack is still hidden (spending one miss).</summary>
    public void Look(string stackId, string nameOrId)
    {
        while (misses.TryGetValue(stackId, out var left))
        {
            var spent = left <= 1 ? misses.TryRemove(KeyValuePair.Create(stackId, left)) : misses.TryUpdate(stackId, left - 1, left);
            if (spent) throw AwsServiceException.Validation($"Stack with id {nameOrId} does not exist");
        }
    }

    public void Clear() => misses.Clear();
}
