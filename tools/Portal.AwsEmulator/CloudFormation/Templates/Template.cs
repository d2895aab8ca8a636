using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>A template's sections, read and checked for structure (not yet evaluated against parameters).</summary>
public sealed class Template
{
    private static readonly HashSet<string> Sections =
        ["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs"];

    private Template(JsonObject root)
    {
        Root = root;
        Description = TemplateText.AsString(root["Description"]);
        Parameters = Section(root, "Parameters").ToDictionary(p => p.Key, p => ParameterDeclaration.Read(p.Key, p.Value));
        Mappings = root["Mappings"] as JsonObject ?? [];
        Conditions = Section(root, "Conditions").ToDictionary(p => p.Key, p => p.Value);
        Resources = Section(root, "Resources").ToDictionary(p => p.Key, p => ResourceDeclaration.Read(p.Key, p.Value));
        Outputs = Section(root, "Outputs").ToDictionary(p => p.Key, p => OutputDeclaration.Read(p.Key, p.Value));
    }

    public JsonObject Root { get; }
    public string? Description { get; }

    /// <summary>In template order.</summary>
    public IReadOnlyDictionary<string, ParameterDeclaration> Parameters { get; }
    public JsonObject Mappings { get; }
    public IReadOnlyDictionary<string, JsonNode?> Conditions { get; }
    public IReadOnlyDictionary<string, ResourceDeclaration> Resources { get; }
    public IReadOnlyDictionary<string, OutputDeclaration> Outputs { get; }

    /// <summary>Reads and checks a body; errors are ValidationError with CloudFormation's "Template format error" wording.</summary>
    public static Template Parse(string body)
    {
        var root = TemplateReader.Read(body);
        var unknown = root.Select(p => p.Key).Where(k => !Sections.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw Format($"Invalid template property or properties [{string.Join(", ", unknown)}]");
        if (root["AWSTemplateFormatVersion"] is { } version && TemplateText.AsString(version) != "2010-09-09")
            throw Format("Unsupported template format version");
        if (root["Transform"] is not null)
            throw Format("Transforms are not supported by the emulator");
        if (root["Resources"] is not JsonObject { Count: > 0 })
            throw Format("At least one Resources member must be defined.");
        var template = new Template(root);
        TemplateChecker.Check(template);
        return template;
    }

    public static AwsServiceException Format(string message) => AwsServiceException.Validation("Template format error: " + message);

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Section(JsonObject root, string name) => root[name] switch
    {
        null => [],
        JsonObject section => section,
        _ => throw Format($"{name} must be an object"),
    };
}

/// <summary>One entry of the Resources section.</summary>
public sealed record ResourceDeclaration(
    string LogicalId,
    string Type,
    JsonObject Properties,
    IReadOnlyList<string> DependsOn,
    string? Condition,
    string DeletionPolicy,
    string UpdateReplacePolicy)
{
    private static readonly HashSet<string> Attributes =
        ["Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy"];

    public static ResourceDeclaration Read(string logicalId, JsonNode? node)
    {
        if (node is not JsonObject resource || TemplateText.AsString(resource["Type"]) is not { Length: > 0 } type)
            throw Template.Format($"[/Resources/{logicalId}] Every Resources object must contain a Type member.");
        var unknown = resource.Select(p => p.Key).FirstOrDefault(k => !Attributes.Contains(k));
        if (unknown is not null)
            throw Template.Format($"Invalid template resource property '{unknown}'");
        var dependsOn = resource["DependsOn"] switch
        {
            null => [],
            JsonArray list => list.Select(d => TemplateText.AsString(d) ?? "").ToList(),
            var single => [TemplateText.AsString(single) ?? ""],
        };
        var properties = resource["Properties"] switch
        {
            null => [],
            JsonObject value => value,
            _ => throw Template.Format($"[/Resources/{logicalId}/Properties] Properties must be an object"),
        };
        var condition = resource["Condition"] is null ? null
            : TemplateText.AsString(resource["Condition"]) ?? throw Template.Format($"[/Resources/{logicalId}/Condition] Every Condition member must be a string.");
        return new ResourceDeclaration(logicalId, type, properties, dependsOn, condition,
            TemplateText.AsString(resource["DeletionPolicy"]) ?? "Delete",
            TemplateText.AsString(resource["UpdateReplacePolicy"]) ?? "Delete");
    }
}

/// <summary>One entry of the Outputs section.</summary>
public sealed record OutputDeclaration(string Name, JsonNode Value, string? Description, string? Condition, JsonNode? ExportName)
{
    public static OutputDeclaration Read(string name, JsonNode? node)
    {
        if (node is not JsonObject output || !output.ContainsKey("Value"))
            throw Template.Format($"Every Outputs member must contain a Value object, the Outputs member {name} is invalid.");
        return new OutputDeclaration(name, output["Value"] ?? JsonValue.Create(""), TemplateText.AsString(output["Description"]),
            TemplateText.AsString(output["Condition"]), (output["Export"] as JsonObject)?["Name"]);
    }
}
