using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>
/// The checks CloudFormation makes before it looks at parameters: resource types, references to undefined
/// parameters, resources, attributes and conditions, and circular dependencies.
/// </summary>
public static class TemplateChecker
{
    public static void Check(Template template)
    {
        var unknownTypes = template.Resources.Values.Select(r => r.Type).Where(t => !ResourceCatalog.IsRecognised(t)).Distinct().ToList();
        if (unknownTypes.Count > 0)
            throw Template.Format($"Unrecognized resource types: [{string.Join(", ", unknownTypes)}]");

        foreach (var (name, definition) in template.Conditions)
            foreach (var reference in TemplateReferences.Find(definition))
            {
                if (reference.Kind == ReferenceKind.Condition) CheckCondition(template, reference.Target);
                else if (template.Resources.ContainsKey(reference.Target) || reference.Kind == ReferenceKind.GetAtt)
                    throw Template.Format($"Unresolved dependencies [{reference.Target}]. Cannot reference resources in the Conditions block of the template");
                else CheckRef(template, reference.Target);
            }

        var dependencies = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var resource in template.Resources.Values)
        {
            if (resource.Condition is { } condition) CheckCondition(template, condition);
            var unresolved = resource.DependsOn.Where(d => !template.Resources.ContainsKey(d)).ToList();
            if (unresolved.Count > 0)
                throw Template.Format($"Unresolved resource dependencies [{string.Join(", ", unresolved)}] in the Resources block of the template");
            var references = TemplateReferences.Find(resource.Properties);
            CheckReferences(template, references);
            dependencies[resource.LogicalId] = references.Where(r => r.Kind != ReferenceKind.Condition && template.Resources.ContainsKey(r.Target))
                .Select(r => r.Target).Concat(resource.DependsOn).ToHashSet(StringComparer.Ordinal);
        }
        foreach (var output in template.Outputs.Values)
        {
            if (output.Condition is { } condition) CheckCondition(template, condition);
            CheckReferences(template, TemplateReferences.Find(output.Value));
            CheckReferences(template, TemplateReferences.Find(output.ExportName));
        }

        if (new DependencyGraph(dependencies).FindCycle() is { } cycle)
            throw AwsServiceException.Validation($"Circular dependency between resources: [{string.Join(", ", cycle.Order(StringComparer.Ordinal))}]");
    }

    private static void CheckReferences(Template template, IEnumerable<TemplateReference> references)
    {
        foreach (var reference in references)
        {
            switch (reference.Kind)
            {
                case ReferenceKind.Condition:
                    CheckCondition(template, reference.Target);
                    break;
                case ReferenceKind.Ref:
                    CheckRef(template, reference.Target);
                    break;
                case ReferenceKind.GetAtt:
                    if (!template.Resources.TryGetValue(reference.Target, out var resource))
                        throw AwsServiceException.Validation($"Template error: instance of Fn::GetAtt references undefined resource {reference.Target}");
                    if (reference.Attribute is { } attribute && !ResourceCatalog.SupportsAttribute(resource.Type, attribute))
                        throw AwsServiceException.Validation($"Template error: resource {reference.Target} does not support attribute type {attribute} in Fn::GetAtt");
                    break;
            }
        }
    }

    private static void CheckRef(Template template, string target)
    {
        if (!template.Parameters.ContainsKey(target) && !template.Resources.ContainsKey(target) && !StackIdentity.IsPseudo(target))
            throw Template.Format($"Unresolved resource dependencies [{target}] in the Resources block of the template");
    }

    private static void CheckCondition(Template template, string name)
    {
        if (!template.Conditions.ContainsKey(name))
            throw Template.Format($"Unresolved condition dependencies [{name}] in the Conditions block of the template");
    }
}
