using System.Globalization;
using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>One entry of the Parameters section, with its constraints.</summary>
public sealed record ParameterDeclaration(
    string Name,
    string Type,
    string? Default,
    bool NoEcho,
    string? Description,
    IReadOnlyList<string>? AllowedValues,
    string? AllowedPattern,
    int? MinLength,
    int? MaxLength,
    decimal? MinValue,
    decimal? MaxValue,
    string? ConstraintDescription)
{
    private static readonly HashSet<string> PlainTypes = ["String", "Number", "List<Number>", "CommaDelimitedList"];

    /// <summary>List&lt;…&gt; and CommaDelimitedList parameters are lists for Ref; the others are strings.</summary>
    public bool IsList => Type is "CommaDelimitedList" || (Type.StartsWith("List<", StringComparison.Ordinal) && !IsSsmParameter);

    public bool IsNumber => Type is "Number";

    public bool IsSsmParameter => Type.StartsWith("AWS::SSM::Parameter::", StringComparison.Ordinal);

    /// <summary>The element type of a list (List&lt;AWS::EC2::Subnet::Id&gt; → AWS::EC2::Subnet::Id), or the type itself.</summary>
    public string ElementType => Type.StartsWith("List<", StringComparison.Ordinal) ? Type[5..^1] : Type is "CommaDelimitedList" ? "String" : Type;

    public static ParameterDeclaration Read(string name, JsonNode? node)
    {
        if (node is not JsonObject p || TemplateText.AsString(p["Type"]) is not { Length: > 0 } type)
            throw Template.Format($"Every Parameters object must contain a Type member.");
        if (!PlainTypes.Contains(type) && !AwsParameterTypes.IsKnown(type))
            throw Template.Format($"Unrecognized parameter type: {type}");
        return new ParameterDeclaration(
            name, type,
            p["Default"] is JsonArray list ? string.Join(',', list.Select(TemplateText.AsString)) : TemplateText.AsString(p["Default"]),
            TemplateText.AsString(p["NoEcho"]) is "true",
            TemplateText.AsString(p["Description"]),
            (p["AllowedValues"] as JsonArray)?.Select(v => TemplateText.AsString(v) ?? "").ToList(),
            TemplateText.AsString(p["AllowedPattern"]),
            Integer(p, "MinLength", name), Integer(p, "MaxLength", name),
            Number(p, "MinValue", name), Number(p, "MaxValue", name),
            TemplateText.AsString(p["ConstraintDescription"]));
    }

    private static int? Integer(JsonObject p, string key, string name) => TemplateText.AsString(p[key]) switch
    {
        null => null,
        var text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw Template.Format($"Parameter '{name}' {key} must be an integer"),
    };

    private static decimal? Number(JsonObject p, string key, string name) => TemplateText.AsString(p[key]) switch
    {
        null => null,
        var text when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw Template.Format($"Parameter '{name}' {key} must be a number"),
    };
}
