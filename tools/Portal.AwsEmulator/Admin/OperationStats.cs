using System.Collections.Concurrent;

namespace Portal.AwsEmulator.Admin;

/// <summary>Calls per operation ("cloudformation:DescribeStacks" → n) and injected faults, for /_emulator/stats. Lock-free.</summary>
public sealed class OperationStats
{
    private readonly ConcurrentDictionary<string, long> calls = new(StringComparer.Ordinal);
    private long faults;

    public void Count(string service, string operation) => calls.AddOrUpdate($"{service}:{operation}", 1, (_, n) => n + 1);

    public void CountFault() => Interlocked.Increment(ref faults);

    public StatsSnapshot Snapshot()
    {
        var operations = new SortedDictionary<string, long>(calls, StringComparer.Ordinal);
        return new StatsSnapshot(operations.Values.Sum(), Interlocked.Read(ref faults), operations);
    }

    public void Reset()
    {
        calls.Clear();
        Interlocked.Exchange(ref faults, 0);
    }
}

public sealed record StatsSnapshot(long Total, long InjectedFaults, IReadOnlyDictionary<string, long> Operations);
