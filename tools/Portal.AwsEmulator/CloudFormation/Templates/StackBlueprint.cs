namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>
/// A template evaluated for one stack's parameters: the resources and outputs its conditions keep, and the
/// dependencies between those resources (DependsOn, Ref, Fn::GetAtt, Fn::Sub, following only the Fn::If branches
/// taken). Refuses references to resources a condition removed, as CloudFormation does.
/// </summary>
public sealed class StackBlueprint
{
    private StackBlueprint(EvaluationScope scope, IReadOnlyDictionary<string, ResourceDeclaration> resources,
        IReadOnlyList<OutputDeclaration> outputs, DependencyGraph graph)
    {
        Scope = scope;
        Resources = resources;
        Outputs = outputs;
        Graph = graph;
    }

    public EvaluationScope Scope { get; }
    public Template Template => Scope.Template;
    public IReadOnlyDictionary<string, string> Parameters => Scope.Parameters;

    /// <summary>The resources that exist for these parameters, in template order.</summary>
    public IReadOnlyDictionary<string, ResourceDeclaration> Resources { get; }
    public IReadOnlyList<OutputDeclaration> Outputs { get; }
    public DependencyGraph Graph { get; }

    public static StackBlueprint Build(Template template, IReadOnlyDictionary<string, string> parameters, StackIdentity stack, Func<string, string?>? exports = null)
    {
        var scope = new EvaluationScope(template, parameters, stack, exports: exports);
        foreach (var condition in template.Conditions.Keys)
            scope.Condition(condition);
        var resources = template.Resources.Values.Where(r => scope.IsActive(r.Condition)).ToDictionary(r => r.LogicalId, StringComparer.Ordinal);
        var dependencies = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var resource in resources.Values)
        {
            var targets = TemplateReferences.Find(resource.Properties, scope.Condition)
                .Where(r => r.Kind != ReferenceKind.Condition && template.Resources.ContainsKey(r.Target))
                .Select(r => r.Target)
                .Concat(resource.DependsOn)
                .ToHashSet(StringComparer.Ordinal);
            RequireActive(targets, resources, resource.LogicalId);
            dependencies[resource.LogicalId] = targets;
        }
        var outputs = template.Outputs.Values.Where(o => scope.IsActive(o.Condition)).ToList();
        foreach (var output in outputs)
            RequireActive(TemplateReferences.Find(output.Value, scope.Condition).Where(r => r.Kind != ReferenceKind.Condition && template.Resources.ContainsKey(r.Target))
                .Select(r => r.Target), resources, output.Name);
        return new StackBlueprint(scope, resources, outputs, new DependencyGraph(dependencies));
    }

    private static void RequireActive(IEnumerable<string> targets, IReadOnlyDictionary<string, ResourceDeclaration> active, string referrer)
    {
        var missing = targets.Where(t => !active.ContainsKey(t)).Distinct().ToList();
        if (missing.Count > 0)
            throw Template.Format($"Unresolved resource dependencies [{string.Join(", ", missing)}] in the Resources block of the template (referenced by {referrer}; a condition removed them)");
    }
}
