using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;

namespace Portal.AwsEmulator.CloudFormation.Stacks;

/// <summary>
/// What deploying a blueprint onto a stack would do to each resource, as a change set lists it: Add, Modify (with
/// Replacement True/False/Conditional, Scope and Details) or Remove. A property that refers to a resource getting a
/// new identity cannot be known yet: its evaluation is Dynamic.
/// </summary>
public static class ChangePlanner
{
    private const string Unknown = "{{changeset:unresolved}}";

    /// <summary>Call with the store's lock held.</summary>
    public static List<ResourceChangeRecord> Plan(StackRecord stack, StackBlueprint blueprint)
    {
        var changes = new List<ResourceChangeRecord>();
        var newIdentity = new HashSet<string>(StringComparer.Ordinal);
        var values = ResourceValues.Of(stack, logicalId => newIdentity.Contains(logicalId) ? $"{Unknown}{logicalId}" : null);
        var evaluator = new IntrinsicEvaluator(blueprint.Scope.With(values));
        foreach (var logicalId in blueprint.Graph.TopologicalOrder())
        {
            var declaration = blueprint.Resources[logicalId];
            var existing = stack.Resource(logicalId);
            if (existing?.PhysicalId is null || existing.Status is StackStatuses.DeleteComplete)
            {
                newIdentity.Add(logicalId);
                changes.Add(new ResourceChangeRecord("Add", logicalId, null, declaration.Type, null, [], []));
                continue;
            }
            var properties = evaluator.Evaluate(declaration.Properties) as JsonObject ?? [];
            var details = Details(existing.Properties, properties, ResourceCatalog.For(declaration.Type).Kind).ToList();
            if (details.Count == 0) continue;
            var replacement = details.Any(d => d.RequiresRecreation == "Always" && d.Evaluation == "Static") ? "True"
                : details.Any(d => d.RequiresRecreation == "Always") ? "Conditional" : "False";
            if (replacement == "True") newIdentity.Add(logicalId);
            var scope = details.Any(d => d.Name == "Tags") ? new List<string> { "Properties", "Tags" } : ["Properties"];
            changes.Add(new ResourceChangeRecord("Modify", logicalId, existing.PhysicalId, declaration.Type, replacement, scope, details));
        }
        foreach (var removed in stack.Resources.Where(r => !blueprint.Resources.ContainsKey(r.LogicalId) && r.Status != StackStatuses.DeleteComplete))
            changes.Add(new ResourceChangeRecord("Remove", removed.LogicalId, removed.PhysicalId, removed.Type, null, [], []));
        return changes;
    }

    private static IEnumerable<ResourceChangeDetail> Details(JsonObject before, JsonObject after, ResourceKind kind)
    {
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Where(n => !TemplateText.SameValue(before[n], after[n])))
        {
            var text = after[name]?.ToJsonString() ?? "";
            var dynamic = text.Contains(Unknown, StringComparison.Ordinal);
            var causing = dynamic ? text[(text.IndexOf(Unknown, StringComparison.Ordinal) + Unknown.Length)..].Split('"', '.', '}')[0] : null;
            yield return new ResourceChangeDetail(name == "Tags" ? "Tags" : "Properties", name,
                kind.RequiresReplacement(name) ? "Always" : "Never",
                dynamic ? "Dynamic" : "Static",
                dynamic ? "ResourceReference" : "DirectModification",
                causing);
        }
    }
}
