namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>Resources and what each depends on; finds cycles and the order to create them in.</summary>
public sealed class DependencyGraph(IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies)
{
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Dependencies { get; } = dependencies;

    public IEnumerable<string> Nodes => Dependencies.Keys;

    /// <summary>The resources that depend on <paramref name="node"/> (what must be deleted before it).</summary>
    public IEnumerable<string> Dependents(string node) => Dependencies.Where(d => d.Value.Contains(node)).Select(d => d.Key);

    /// <summary>The members of one cycle, or null when there is none.</summary>
    public IReadOnlyList<string>? FindCycle()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var node in Dependencies.Keys)
            if (Visit(node, state, path) is { } cycle)
                return cycle;
        return null;
    }

    /// <summary>Every node after the nodes it depends on (template order among independent ones).</summary>
    public IReadOnlyList<string> TopologicalOrder()
    {
        var order = new List<string>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (order.Count < Dependencies.Count)
        {
            var next = Dependencies.Keys.FirstOrDefault(n => !placed.Contains(n) && Dependencies[n].All(d => placed.Contains(d) || !Dependencies.ContainsKey(d)))
                ?? throw new InvalidOperationException("The dependency graph has a cycle.");
            order.Add(next);
            placed.Add(next);
        }
        return order;
    }

    private List<string>? Visit(string node, Dictionary<string, int> state, List<string> path)
    {
        if (state.GetValueOrDefault(node) == 2) return null;
        if (state.GetValueOrDefault(node) == 1) return path[path.IndexOf(node)..];
        state[node] = 1;
        path.Add(node);
        foreach (var dependency in Dependencies[node].Where(Dependencies.ContainsKey))
            if (Visit(dependency, state, path) is { } cycle)
                return cycle;
        path.RemoveAt(path.Count - 1);
        state[node] = 2;
        return null;
    }
}
