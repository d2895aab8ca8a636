using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.AwsEmulator.ElasticLoadBalancing;
using Portal.AwsEmulator.S3;

namespace Portal.AwsEmulator.State;

/// <summary>
/// The emulated account: one <see cref="RegionState"/> per region, made on first use. <see cref="Lifetime"/> ends
/// when the state is reset, so background work (stack operations, pipeline executions) of the old state stops.
/// </summary>
public sealed class EmulatorState(IOptions<EmulatorOptions> options) : IDisposable
{
    private readonly string accountId = options.Value.AccountId;
    private readonly bool temporaryObjects = options.Value.ObjectsPath is null && options.Value.StatePath is null;
    private readonly LoadBalancingQuotas quotas = options.Value.Quotas;
    private ConcurrentDictionary<string, RegionState> regions = new(StringComparer.Ordinal);
    private CancellationTokenSource lifetime = new();

    public string AccountId => accountId;

    /// <summary>S3's buckets: one namespace for the whole account, whatever region each bucket is in.</summary>
    public S3Store S3 { get; } = new(options.Value.ObjectsPath
        ?? (options.Value.StatePath is { } statePath ? statePath + ".objects" : Path.Combine(Path.GetTempPath(), "portal-aws-emulator", Guid.NewGuid().ToString("N"))));

    public CancellationToken Lifetime => lifetime.Token;

    public RegionState Region(string name) => regions.GetOrAdd(name, n => new RegionState(n, accountId, quotas, S3));

    public IReadOnlyList<RegionState> Regions => regions.Values.ToList();

    /// <summary>Forgets everything and stops the background work of the old state.</summary>
    public void Reset() => Forget(deleteObjects: true);

    /// <param name="deleteObjects">False when loading saved state, whose objects are the body files already there.</param>
    private void Forget(bool deleteObjects)
    {
        var old = Interlocked.Exchange(ref lifetime, new CancellationTokenSource());
        regions = new ConcurrentDictionary<string, RegionState>(StringComparer.Ordinal);
        if (deleteObjects) S3.Clear();
        // Not disposed: background work of the old state may still look at its token.
        old.Cancel();
    }

    /// <summary>At shutdown: background work stops, so what is saved afterwards is what stays.</summary>
    public void Stop() => lifetime.Cancel();

    public JsonObject Save() => new()
    {
        ["accountId"] = accountId,
        ["regions"] = new JsonObject(regions.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value.Save()))),
        ["s3"] = S3.Save(),
    };

    public void Load(JsonObject saved)
    {
        Forget(deleteObjects: false);
        S3.Load(saved["s3"]);
        if (saved["regions"] is not JsonObject saves) return;
        foreach (var (name, region) in saves)
            if (region is JsonObject content)
                Region(name).Load(content);
    }

    public void Dispose()
    {
        lifetime.Dispose();
        if (temporaryObjects && Directory.Exists(S3.Directory)) Directory.Delete(S3.Directory, recursive: true);
    }
}
