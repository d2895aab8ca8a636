using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;

namespace Portal.AwsEmulator.CloudFormation.Stacks;

/// <summary>Physical ids and attributes of a stack's resources at one moment, for Ref and Fn::GetAtt.</summary>
public sealed class ResourceValues : IResourceValues
{
    private readonly Dictionary<string, (string Type, string? PhysicalId, JsonObject Attributes)> resources = new(StringComparer.Ordinal);
    private readonly Func<string, string?>? placeholder;

    /// <param name="placeholder">For a change set's preview: the value of resources that will get a new identity (null: the current one).</param>
    private ResourceValues(Func<string, string?>? placeholder) => this.placeholder = placeholder;

    /// <summary>Call with the store's lock held.</summary>
    public static ResourceValues Of(StackRecord stack, Func<string, string?>? placeholder = null)
    {
        var values = new ResourceValues(placeholder);
        foreach (var resource in stack.Resources)
            values.resources[resource.LogicalId] = (resource.Type, resource.PhysicalId, (JsonObject)resource.Attributes.DeepClone());
        return values;
    }

    public JsonNode? Ref(string logicalId)
    {
        if (placeholder?.Invoke(logicalId) is { } unknown) return JsonValue.Create(unknown);
        return resources.TryGetValue(logicalId, out var resource) && resource.PhysicalId is { } id ? JsonValue.Create(id) : null;
    }

    public JsonNode? GetAtt(string logicalId, string attribute)
    {
        if (placeholder?.Invoke(logicalId) is { } unknown) return JsonValue.Create($"{unknown}.{attribute}");
        if (!resources.TryGetValue(logicalId, out var resource)) return null;
        if (resource.Attributes[attribute] is { } value) return value;
        // Types the emulator does not model answer any attribute with a value derived from their physical id.
        return ResourceCatalog.SupportsAttribute(resource.Type, attribute) && resource.PhysicalId is { } id && !ResourceCatalog.IsModelled(resource.Type)
            ? JsonValue.Create($"{id}.{attribute}")
            : null;
    }
}
