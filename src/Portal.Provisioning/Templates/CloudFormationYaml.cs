using YamlDotNet.RepresentationModel;

namespace Portal.Provisioning.Templates;

/// <summary>
/// Reads a CloudFormation YAML template into plain values: mappings become <see cref="Dictionary{TKey,TValue}"/>
/// (string → object?), sequences <see cref="List{T}"/> of object?, scalars strings (no type guessing).
/// Short tags become their long form: <c>!Ref X</c> → { "Ref": "X" }, <c>!GetAtt A.B</c> → { "Fn::GetAtt": ["A", "B"] },
/// <c>!Sub ...</c> → { "Fn::Sub": ... } and so on.
/// </summary>
public static class CloudFormationYaml
{
    public static Dictionary<string, object?> Parse(string templateBody)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(templateBody))
            stream.Load(reader);
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new FormatException("A CloudFormation template is one YAML document whose root is a mapping.");
        return (Dictionary<string, object?>)Convert(root)!;
    }

    private static object? Convert(YamlNode node)
    {
        object? plain = node switch
        {
            YamlScalarNode scalar => scalar.Value ?? "",
            YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
            YamlMappingNode mapping => mapping.Children.ToDictionary(
                pair => ((YamlScalarNode)pair.Key).Value ?? "",
                pair => Convert(pair.Value)),
            _ => throw new FormatException($"Unexpected YAML node {node.NodeType}."),
        };
        return node.Tag.IsEmpty || !node.Tag.Value.StartsWith('!') || node.Tag.Value.StartsWith("!!", StringComparison.Ordinal)
            ? plain
            : LongForm(node.Tag.Value[1..], plain);
    }

    private static Dictionary<string, object?> LongForm(string tag, object? argument) => tag switch
    {
        "Ref" or "Condition" => new() { [tag] = argument },
        "GetAtt" when argument is string dotted => new() { ["Fn::GetAtt"] = SplitGetAtt(dotted) },
        _ => new() { ["Fn::" + tag] = argument },
    };

    private static List<object?> SplitGetAtt(string dotted)
    {
        var dot = dotted.IndexOf('.');
        return dot < 0 ? [dotted] : [dotted[..dot], dotted[(dot + 1)..]];
    }
}
