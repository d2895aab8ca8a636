using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Policy;

/// <summary>A resource the stack would create, with parameters and conditions applied to its properties.</summary>
public sealed record EvaluatedResource(string LogicalId, string Type, Dictionary<string, object?> Properties);

/// <summary>
/// Applies a stack's parameters to its template the way CloudFormation would before creating anything:
/// conditions are decided, resources whose condition is false are left out, Fn::If picks its branch,
/// Ref to a parameter becomes the parameter's value and AWS::NoValue removes the property.
/// References to resources and other functions stay as they are (mappings such as { "Ref": "Bucket" }).
/// </summary>
public sealed class TemplateEvaluator
{
    private static readonly object NoValue = new();
    private readonly Dictionary<string, object?> _template;
    private readonly Dictionary<string, string> _parameters;
    private readonly Dictionary<string, bool> _conditions = [];

    public TemplateEvaluator(Dictionary<string, object?> template, IEnumerable<StackParameter> parameters)
    {
        _template = template;
        _parameters = Section("Parameters")
            .Where(p => p.Value is Dictionary<string, object?> d && d.GetValueOrDefault("Default") is string)
            .ToDictionary(p => p.Key, p => (string)((Dictionary<string, object?>)p.Value!)["Default"]!);
        foreach (var parameter in parameters)
            _parameters[parameter.Key] = parameter.Value;
    }

    public IReadOnlyList<EvaluatedResource> Resources() =>
        Section("Resources")
            .Select(r => (r.Key, Resource: r.Value as Dictionary<string, object?> ?? []))
            .Where(r => r.Resource.GetValueOrDefault("Condition") is not string condition || Condition(condition))
            .Select(r => new EvaluatedResource(
                r.Key,
                r.Resource.GetValueOrDefault("Type") as string ?? "",
                Resolve(r.Resource.GetValueOrDefault("Properties")) as Dictionary<string, object?> ?? []))
            .ToList();

    public bool Condition(string name)
    {
        if (_conditions.TryGetValue(name, out var known))
            return known;
        if (!Section("Conditions").TryGetValue(name, out var definition))
            throw new InvalidOperationException($"The template has no condition {name}.");
        return _conditions[name] = Decide(definition);
    }

    private bool Decide(object? expression) => expression switch
    {
        Dictionary<string, object?> { Count: 1 } d when d.TryGetValue("Condition", out var name) => Condition((string)name!),
        Dictionary<string, object?> { Count: 1 } d when d.TryGetValue("Fn::Equals", out var args) && args is List<object?> { Count: 2 } pair =>
            string.Equals(Scalar(pair[0]), Scalar(pair[1]), StringComparison.Ordinal),
        Dictionary<string, object?> { Count: 1 } d when d.TryGetValue("Fn::Not", out var args) && args is List<object?> { Count: 1 } one => !Decide(one[0]),
        Dictionary<string, object?> { Count: 1 } d when d.TryGetValue("Fn::And", out var args) && args is List<object?> all => all.All(Decide),
        Dictionary<string, object?> { Count: 1 } d when d.TryGetValue("Fn::Or", out var args) && args is List<object?> any => any.Any(Decide),
        _ => throw new InvalidOperationException($"Cannot decide the condition expression {Describe(expression)}."),
    };

    private string Scalar(object? value) => Resolve(value) switch
    {
        string text => text,
        var other => throw new InvalidOperationException($"A condition compares {Describe(other)}, which is not known before the stack runs."),
    };

    /// <summary>Resolves parameters and Fn::If inside a value; returns the value with NoValue entries removed.</summary>
    public object? Resolve(object? value)
    {
        var resolved = ResolveOrNoValue(value);
        return ReferenceEquals(resolved, NoValue) ? null : resolved;
    }

    private object? ResolveOrNoValue(object? value)
    {
        switch (value)
        {
            case Dictionary<string, object?> { Count: 1 } d when d.TryGetValue("Ref", out var name) && name is string reference:
                if (reference == "AWS::NoValue") return NoValue;
                return _parameters.TryGetValue(reference, out var parameter) ? parameter : d;
            case Dictionary<string, object?> { Count: 1 } d when d.TryGetValue("Fn::If", out var args) && args is List<object?> { Count: 3 } branches:
                return ResolveOrNoValue(Condition((string)branches[0]!) ? branches[1] : branches[2]);
            case Dictionary<string, object?> mapping:
                var result = new Dictionary<string, object?>(mapping.Count);
                foreach (var (key, item) in mapping)
                {
                    var resolved = ResolveOrNoValue(item);
                    if (!ReferenceEquals(resolved, NoValue)) result[key] = resolved;
                }
                return result;
            case List<object?> list:
                return list.Select(ResolveOrNoValue).Where(item => !ReferenceEquals(item, NoValue)).ToList();
            default:
                return value;
        }
    }

    private Dictionary<string, object?> Section(string name) =>
        _template.GetValueOrDefault(name) as Dictionary<string, object?> ?? [];

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        string text => $"'{text}'",
        Dictionary<string, object?> d => "{" + string.Join(", ", d.Keys) + "}",
        _ => value.GetType().Name,
    };
}
