using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.CloudFormation.Templates;

public enum ReferenceKind { Ref, GetAtt, Condition }

/// <summary>A name a template value refers to: Ref X, Fn::GetAtt X.Attr (also inside Fn::Sub), or a condition.</summary>
public readonly record struct TemplateReference(ReferenceKind Kind, string Target, string? Attribute = null);

/// <summary>Finds the references in a template value, without evaluating it.</summary>
public static class TemplateReferences
{
    /// <param name="condition">When given, Fn::If only looks into the branch its condition selects.</param>
    public static IReadOnlyList<TemplateReference> Find(JsonNode? node, Func<string, bool>? condition = null)
    {
        var found = new List<TemplateReference>();
        Walk(node, condition, found);
        return found;
    }

    private static void Walk(JsonNode? node, Func<string, bool>? condition, List<TemplateReference> found)
    {
        switch (node)
        {
            case JsonObject obj when IntrinsicEvaluator.IntrinsicName(obj) is { } name:
                Function(name, obj[name], condition, found);
                break;
            case JsonObject obj:
                foreach (var (_, value) in obj) Walk(value, condition, found);
                break;
            case JsonArray array:
                foreach (var item in array) Walk(item, condition, found);
                break;
        }
    }

    private static void Function(string name, JsonNode? argument, Func<string, bool>? condition, List<TemplateReference> found)
    {
        switch (name)
        {
            case "Ref" when TemplateText.AsString(argument) is { } target:
                found.Add(new TemplateReference(ReferenceKind.Ref, target));
                break;
            case "Condition" when TemplateText.AsString(argument) is { } target:
                found.Add(new TemplateReference(ReferenceKind.Condition, target));
                break;
            case "Fn::GetAtt":
                GetAtt(argument, condition, found);
                break;
            case "Fn::Sub":
                Sub(argument, condition, found);
                break;
            case "Fn::If" when argument is JsonArray { Count: 3 } args && TemplateText.AsString(args[0]) is { } conditionName:
                found.Add(new TemplateReference(ReferenceKind.Condition, conditionName));
                if (condition is null) { Walk(args[1], null, found); Walk(args[2], null, found); }
                else Walk(condition(conditionName) ? args[1] : args[2], condition, found);
                break;
            default:
                Walk(argument, condition, found);
                break;
        }
    }

    private static void GetAtt(JsonNode? argument, Func<string, bool>? condition, List<TemplateReference> found)
    {
        switch (argument)
        {
            case JsonArray { Count: 2 } pair when TemplateText.AsString(pair[0]) is { } target:
                found.Add(new TemplateReference(ReferenceKind.GetAtt, target, TemplateText.AsString(pair[1])));
                Walk(pair[1], condition, found);
                break;
            case JsonValue value when TemplateText.AsString(value) is { } dotted && dotted.Contains('.'):
                found.Add(new TemplateReference(ReferenceKind.GetAtt, dotted[..dotted.IndexOf('.')], dotted[(dotted.IndexOf('.') + 1)..]));
                break;
        }
    }

    private static void Sub(JsonNode? argument, Func<string, bool>? condition, List<TemplateReference> found)
    {
        var (text, variables) = argument switch
        {
            JsonArray { Count: 2 } pair => (TemplateText.AsString(pair[0]), pair[1] as JsonObject),
            _ => (TemplateText.AsString(argument), null),
        };
        if (variables is not null) Walk(variables, condition, found);
        if (text is null) return;
        foreach (var part in SubstitutionParser.Parse(text))
        {
            if (part.Variable is not { } variable || variables?.ContainsKey(variable) == true || StackIdentity.IsPseudo(variable)) continue;
            var dot = variable.IndexOf('.');
            found.Add(dot < 0
                ? new TemplateReference(ReferenceKind.Ref, variable)
                : new TemplateReference(ReferenceKind.GetAtt, variable[..dot], variable[(dot + 1)..]));
        }
    }
}
