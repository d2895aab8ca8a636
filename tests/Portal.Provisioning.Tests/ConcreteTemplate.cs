using System.Globalization;
using System.Text.Json;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Templates;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portal.Provisioning.Tests;

/// <summary>
/// A template as one stack would have it: parameters put in, conditions decided, resources whose condition is false
/// left out, Fn::If reduced to its branch. Scalars keep their YAML types (true is a boolean, "true" a string) and
/// parameters become values of their declared type, as CloudFormation hands them to a resource, so rule engines such
/// as cfn-guard judge what would be created rather than the unevaluated template.
/// </summary>
public static class ConcreteTemplate
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Json(RenderedStack stack) => Json(stack.TemplateBody, stack.Parameters);

    public static string Json(string templateBody, IEnumerable<StackParameter> parameters)
    {
        var plain = CloudFormationYaml.Parse(templateBody);
        var given = parameters.ToList();
        var values = ParameterValues(plain, given);
        var typedResources = (Dictionary<string, object?>)WithParameters(TypedResources(templateBody), values)!;
        var evaluator = new TemplateEvaluator(new Dictionary<string, object?>(plain) { ["Resources"] = typedResources }, given);
        var resources = new Dictionary<string, object?>();
        foreach (var (logicalId, definition) in typedResources)
        {
            var resource = (Dictionary<string, object?>)definition!;
            if (resource.GetValueOrDefault("Condition") is string condition && !evaluator.Condition(condition))
                continue;
            var concrete = (Dictionary<string, object?>)evaluator.Resolve(resource)!;
            concrete.Remove("Condition");
            resources[logicalId] = concrete;
        }
        return JsonSerializer.Serialize(new Dictionary<string, object?> { ["AWSTemplateFormatVersion"] = "2010-09-09", ["Resources"] = resources }, Indented);
    }

    /// <summary>Each parameter's value (given, else its default) as the type it declares.</summary>
    private static Dictionary<string, object?> ParameterValues(Dictionary<string, object?> template, List<StackParameter> given)
    {
        var declared = template.GetValueOrDefault("Parameters") as Dictionary<string, object?> ?? [];
        var values = new Dictionary<string, object?>();
        foreach (var (name, definition) in declared)
        {
            var parameter = (Dictionary<string, object?>)definition!;
            var text = given.FirstOrDefault(p => p.Key == name)?.Value ?? parameter.GetValueOrDefault("Default") as string;
            if (text is null)
                continue;
            values[name] = parameter.GetValueOrDefault("Type") switch
            {
                "Number" => double.Parse(text, CultureInfo.InvariantCulture),
                "CommaDelimitedList" or "List<Number>" => text.Length == 0 ? new List<object?>() : text.Split(',').Select(v => (object?)v.Trim()).ToList(),
                _ when parameter.GetValueOrDefault("AllowedValues") is List<object?> { Count: 2 } allowed
                    && allowed.Contains("true") && allowed.Contains("false") => text == "true",
                _ => text,
            };
        }
        return values;
    }

    /// <summary>Replaces { Ref: parameter } with the parameter's typed value (conditions keep reading the plain strings).</summary>
    private static object? WithParameters(object? value, Dictionary<string, object?> parameters) => value switch
    {
        Dictionary<string, object?> { Count: 1 } d when d.GetValueOrDefault("Ref") is string name && parameters.TryGetValue(name, out var parameter) => parameter,
        Dictionary<string, object?> mapping => mapping.ToDictionary(p => p.Key, p => WithParameters(p.Value, parameters)),
        List<object?> list => list.Select(item => WithParameters(item, parameters)).ToList(),
        _ => value,
    };

    /// <summary>The Resources section with plain scalars typed as YAML types them; quoted scalars stay strings.</summary>
    private static Dictionary<string, object?> TypedResources(string templateBody)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(templateBody))
            stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        return (Dictionary<string, object?>)Typed(root.Children[new YamlScalarNode("Resources")])!;
    }

    private static object? Typed(YamlNode node)
    {
        object? plain = node switch
        {
            YamlScalarNode scalar => Scalar(scalar),
            YamlSequenceNode sequence => sequence.Children.Select(Typed).ToList(),
            YamlMappingNode mapping => mapping.Children.ToDictionary(pair => ((YamlScalarNode)pair.Key).Value ?? "", pair => Typed(pair.Value)),
            _ => throw new FormatException($"Unexpected YAML node {node.NodeType}."),
        };
        if (node.Tag.IsEmpty || !node.Tag.Value.StartsWith('!') || node.Tag.Value.StartsWith("!!", StringComparison.Ordinal))
            return plain;
        var tag = node.Tag.Value[1..];
        return tag switch
        {
            "Ref" or "Condition" => new Dictionary<string, object?> { [tag] = plain },
            "GetAtt" when plain is string dotted => new Dictionary<string, object?>
            {
                ["Fn::GetAtt"] = dotted.IndexOf('.') is var dot and >= 0 ? new List<object?> { dotted[..dot], dotted[(dot + 1)..] } : new List<object?> { dotted },
            },
            _ => new Dictionary<string, object?> { ["Fn::" + tag] = plain },
        };
    }

    private static object? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
            return text;
        if (text is "true" or "false")
            return text == "true";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return integer;
        return text;
    }
}
