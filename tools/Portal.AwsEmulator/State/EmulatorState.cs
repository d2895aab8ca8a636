using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Portal.AwsEmulator.State;

/// <summary>
/// The emulated account: one <see cref="RegionState"/> per region, made on first use. <see cref="Lifetime"/> ends
/// when the state is reset, so background work (stack operations, pipeline executions) of the old state stops.
/// </summary>
public sealed class EmulatorState(IOptions<EmulatorOptions> options) : IDisposable
{
    private readonly string accountId = options.Value.AccountId;
    private ConcurrentDictionary<string, RegionState> regions = new(StringComparer.Ordinal);
    private CancellationTokenSource lifetime = new();

    public string AccountId => accountId;

    public CancellationToken Lifetime => lifetime.Token;

    public RegionState Region(string name) => regions.GetOrAdd(name, n => new RegionState(n, accountId));

    public IReadOnlyList<RegionState> Regions => regions.Values.ToList();

    /// <summary>Forgets everything and stops the background work of the old state.</summary>
    public void Reset()
    {
        var old = Interlocked.Exchange(ref lifetime, new CancellationTokenSource());
        regions = new ConcurrentDictionary<string, RegionState>(StringComparer.Ordinal);
        // Not disposed: background work of the old state may still look at its token.
        old.Cancel();
    }

    /// <summary>At shutdown: background work stops, so what is saved afterwards is what stays.</summary>
    public void Stop() => lifetime.Cancel();

    public JsonObject Save() => new()
    {
        ["accountId"] = accountId,
        ["regions"] = new JsonObject(regions.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value.Save()))),
    };

    public void Load(JsonObject saved)
    {
        Reset();
        if (saved["regions"] is not JsonObject saves) return;
        foreach (var (name, region) in saves)
            if (region is JsonObject content)
                Region(name).Load(content);
    }

    public void Dispose() => lifetime.Dispose();
}
