using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>What Ref and Fn::GetAtt on resources return while a stack is being built: physical ids and attributes.</summary>
public interface IResourceValues
{
    /// <summary>The physical id, or null when the resource has none yet.</summary>
    JsonNode? Ref(string logicalId);

    /// <summary>The attribute, or null when the resource has none (yet).</summary>
    JsonNode? GetAtt(string logicalId, string attribute);
}

/// <summary>The stack a template is evaluated for: AWS::Region, AWS::AccountId, AWS::StackName, AWS::StackId…</summary>
public sealed record StackIdentity(string Region, string AccountId, string StackName, string StackId, IReadOnlyList<string> NotificationArns)
{
    public JsonNode? Pseudo(string name) => name switch
    {
        "AWS::Region" => JsonValue.Create(Region),
        "AWS::AccountId" => JsonValue.Create(AccountId),
        "AWS::StackName" => JsonValue.Create(StackName),
        "AWS::StackId" => JsonValue.Create(StackId),
        "AWS::Partition" => JsonValue.Create(Partition),
        "AWS::URLSuffix" => JsonValue.Create(Region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com"),
        "AWS::NotificationARNs" => new JsonArray(NotificationArns.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
        _ => null,
    };

    public string Partition => Region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : Region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov" : "aws";

    public static bool IsPseudo(string name) => name is "AWS::Region" or "AWS::AccountId" or "AWS::StackName" or "AWS::StackId"
        or "AWS::Partition" or "AWS::URLSuffix" or "AWS::NotificationARNs" or "AWS::NoValue";
}

/// <summary>Everything intrinsic functions read: the template, resolved parameters, the stack, resources and exports.</summary>
public sealed class EvaluationScope(
    Template template,
    IReadOnlyDictionary<string, string> parameters,
    StackIdentity stack,
    IResourceValues? resources = null,
    Func<string, string?>? exports = null)
{
    private readonly Dictionary<string, bool> conditions = new(StringComparer.Ordinal);
    private readonly HashSet<string> evaluating = new(StringComparer.Ordinal);

    public Template Template { get; } = template;
    public IReadOnlyDictionary<string, string> Parameters { get; } = parameters;
    public StackIdentity Stack { get; } = stack;

    /// <summary>Null while conditions are evaluated: conditions cannot reference resources.</summary>
    public IResourceValues? Resources { get; } = resources;
    public Func<string, string?> Exports { get; } = exports ?? (_ => null);

    /// <summary>A named condition's value, evaluated once.</summary>
    public bool Condition(string name)
    {
        if (conditions.TryGetValue(name, out var known)) return known;
        if (!Template.Conditions.TryGetValue(name, out var definition))
            throw Template.Format($"Unresolved condition dependencies [{name}] in the Conditions block of the template");
        if (!evaluating.Add(name))
            throw Template.Format($"Circular dependency between conditions: [{string.Join(", ", evaluating.Order())}]");
        var value = new IntrinsicEvaluator(this).EvaluateCondition(definition);
        evaluating.Remove(name);
        return conditions[name] = value;
    }

    /// <summary>Whether a resource or output with this Condition exists (no condition: it exists).</summary>
    public bool IsActive(string? condition) => condition is null || Condition(condition);

    /// <summary>The same stack and parameters with the resource values of a running deployment.</summary>
    public EvaluationScope With(IResourceValues values) => new(Template, Parameters, Stack, values, Exports);
}
