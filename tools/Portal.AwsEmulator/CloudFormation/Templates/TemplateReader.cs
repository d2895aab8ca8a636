using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>
/// Reads a template body, JSON or YAML, into a JSON tree. YAML short forms become their long form:
/// <c>!Ref X</c> → {"Ref": "X"}, <c>!GetAtt A.B.C</c> → {"Fn::GetAtt": ["A", "B.C"]}, <c>!Condition C</c> → {"Condition": "C"},
/// <c>!Sub …</c> → {"Fn::Sub": …} and so on. Plain YAML scalars get YAML's core types; quoted ones stay strings.
/// </summary>
public static class TemplateReader
{
    private static readonly HashSet<string> ShortForms =
    [
        "Ref", "Condition", "GetAtt", "Sub", "If", "Equals", "Not", "And", "Or", "Select", "Split", "Join", "FindInMap",
        "Base64", "Cidr", "GetAZs", "ImportValue", "Transform", "Length", "ToJsonString",
    ];

    public static JsonObject Read(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
            throw AwsServiceException.Validation("Template format error: template body is empty");
        return body.TrimStart().StartsWith('{') ? ReadJson(body) : ReadYaml(body);
    }

    private static JsonObject ReadJson(string body)
    {
        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false }) as JsonObject
                ?? throw AwsServiceException.Validation("Template format error: JSON not well-formed.");
        }
        catch (JsonException error)
        {
            throw AwsServiceException.Validation($"Template format error: JSON not well-formed. (line {(error.LineNumber ?? 0) + 1}, column {(error.BytePositionInLine ?? 0) + 1})");
        }
    }

    private static JsonObject ReadYaml(string body)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(body);
            stream.Load(reader);
        }
        catch (YamlException error)
        {
            throw AwsServiceException.Validation($"Template format error: YAML not well-formed. (line {error.Start.Line}, column {error.Start.Column})");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw AwsServiceException.Validation("Template format error: YAML not well-formed. A template is one document whose root is a mapping.");
        return (JsonObject)Convert(root)!;
    }

    private static JsonNode? Convert(YamlNode node)
    {
        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        var isShortForm = tag is not null && tag.StartsWith('!') && !tag.StartsWith("!!", StringComparison.Ordinal);
        JsonNode? plain = node switch
        {
            YamlScalarNode scalar => isShortForm ? JsonValue.Create(scalar.Value ?? "") : Scalar(scalar),
            YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
            YamlMappingNode mapping => Mapping(mapping),
            _ => throw AwsServiceException.Validation($"Template format error: YAML not well-formed. (line {node.Start.Line}, column {node.Start.Column})"),
        };
        return isShortForm ? LongForm(tag![1..], plain, node) : plain;
    }

    private static JsonObject Mapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode scalar ? scalar.Value ?? "" : throw AwsServiceException.Validation(
                $"Template format error: YAML not well-formed. (line {key.Start.Line}, column {key.Start.Column})");
            if (result.ContainsKey(name))
                throw AwsServiceException.Validation($"Template format error: YAML not well-formed. Duplicate key '{name}' (line {key.Start.Line}, column {key.Start.Column})");
            result[name] = Convert(value);
        }
        return result;
    }

    /// <summary>YAML 1.2 core schema for plain scalars; quoted scalars are strings.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        if (!scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str")
            return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) && !HasLeadingZero(text))
            return JsonValue.Create(integer);
        if (text.Any(char.IsDigit) && !HasLeadingZero(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            return JsonValue.Create(number);
        return JsonValue.Create(text);
    }

    /// <summary>"0123" stays a string (an id, an account number), as CloudFormation keeps it.</summary>
    private static bool HasLeadingZero(string text)
    {
        var digits = text.TrimStart('-', '+');
        return digits.Length > 1 && digits[0] == '0' && digits[1] != '.';
    }

    private static JsonObject LongForm(string tag, JsonNode? argument, YamlNode node)
    {
        if (!ShortForms.Contains(tag))
            throw AwsServiceException.Validation($"Template format error: YAML not well-formed. Unknown tag !{tag} (line {node.Start.Line}, column {node.Start.Column})");
        return tag switch
        {
            "Ref" or "Condition" => new JsonObject { [tag] = argument },
            "GetAtt" when argument is JsonValue value && value.TryGetValue<string>(out var dotted) => new JsonObject { ["Fn::GetAtt"] = SplitGetAtt(dotted) },
            _ => new JsonObject { ["Fn::" + tag] = argument },
        };
    }

    private static JsonArray SplitGetAtt(string dotted)
    {
        var dot = dotted.IndexOf('.');
        return dot < 0 ? [dotted] : [dotted[..dot], dotted[(dot + 1)..]];
    }
}
