using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.State;

/// <summary>
/// Names a template gives its resources (a role name, a log group, a trail…) are unique per type in a region, as in
/// AWS: a second resource with the same name fails. Thread-safe.
/// </summary>
public sealed class ResourceNames
{
    private readonly Lock gate = new();
    private Dictionary<string, HashSet<string>> taken = new(StringComparer.Ordinal);

    /// <summary>False when another resource of the type has the name.</summary>
    public bool TryClaim(string type, string name)
    {
        lock (gate)
        {
            if (!taken.TryGetValue(type, out var names)) taken[type] = names = new HashSet<string>(StringComparer.Ordinal);
            return names.Add(name);
        }
    }

    public void Release(string type, string name)
    {
        lock (gate)
            if (taken.TryGetValue(type, out var names)) names.Remove(name);
    }

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(taken, StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate)
            taken = node?.Deserialize<Dictionary<string, HashSet<string>>>(StateJson.Options) is { } saved
                ? saved.ToDictionary(p => p.Key, p => new HashSet<string>(p.Value, StringComparer.Ordinal), StringComparer.Ordinal)
                : new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
    }
}
