using System.Text.Json.Nodes;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// Creates, updates and deletes one resource type inside the emulator. The stack engine has resolved intrinsic
/// functions, so <see cref="ResourceRequest.Properties"/> holds plain values. Calls are quick and in memory; the stack
/// engine adds the configured delay. Throw <see cref="ResourceFailedException"/> to fail the resource with a reason.
/// </summary>
public interface IResourceProvisioner
{
    ResourceKind Kind { get; }

    ProvisionedResource Create(ResourceRequest request);

    /// <summary>An update that does not need a replacement (the stack engine creates a new resource for those).</summary>
    ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current);

    /// <summary><see cref="ResourceRequest.Properties"/> holds the properties the resource has now.</summary>
    void Delete(ResourceRequest request, ProvisionedResource current);
}

/// <summary>What the stack engine and the template checks know of a type.</summary>
/// <param name="Attributes">What Fn::GetAtt may ask for; null: anything (types the emulator does not model).</param>
/// <param name="ReplaceOn">Properties whose change needs a new physical resource; "*" for every property.</param>
/// <param name="NameProperty">The property that names the resource (a named IAM resource needs CAPABILITY_NAMED_IAM).</param>
public sealed record ResourceKind(string Type, IReadOnlySet<string>? Attributes, IReadOnlySet<string> ReplaceOn, string? NameProperty = null)
{
    public bool IsIam => Type.StartsWith("AWS::IAM::", StringComparison.Ordinal);

    public bool RequiresReplacement(string property) => ReplaceOn.Contains("*") || ReplaceOn.Contains(property);
}

public sealed record ResourceRequest(
    string StackName,
    string StackId,
    string LogicalId,
    string ResourceType,
    JsonObject Properties,
    RegionState Region,
    IReadOnlyList<KeyValuePair<string, string>> StackTags)
{
    public string RegionName => Region.Name;
    public string AccountId => Region.AccountId;

    public string? Text(string property) => Templates.TemplateText.AsString(Properties[property]);

    /// <summary>A string list property (a single string counts as a list of one).</summary>
    public IReadOnlyList<string> Texts(string property) => Properties[property] switch
    {
        JsonArray list => list.Select(Templates.TemplateText.AsString).OfType<string>().ToList(),
        JsonValue value when Templates.TemplateText.AsString(value) is { } single => [single],
        _ => [],
    };
}

/// <summary>The physical id (what Ref returns) and the attributes Fn::GetAtt can ask for.</summary>
public sealed class ProvisionedResource
{
    public string PhysicalId { get; set; } = "";
    public JsonObject Attributes { get; set; } = [];

    public static ProvisionedResource Of(string physicalId, params (string Name, JsonNode? Value)[] attributes)
    {
        var resource = new ProvisionedResource { PhysicalId = physicalId };
        foreach (var (name, value) in attributes) resource.Attributes[name] = value;
        return resource;
    }

    public ProvisionedResource Copy() => new() { PhysicalId = PhysicalId, Attributes = (JsonObject)Attributes.DeepClone() };
}

/// <summary>Fails the resource; the message becomes its ResourceStatusReason.</summary>
public sealed class ResourceFailedException(string reason) : Exception(reason);
