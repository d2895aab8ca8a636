using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>How template values read as text, as CloudFormation turns numbers and booleans into strings.</summary>
public static class TemplateText
{
    public static string? AsString(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.TryGetValue<long>(out var integer)
                ? integer.ToString(CultureInfo.InvariantCulture)
                : value.GetValue<double>().ToString(CultureInfo.InvariantCulture),
            _ => value.ToJsonString(),
        },
        _ => null,
    };

    /// <summary>Deep equality after turning scalars into text, so 80 and "80" are the same value as for CloudFormation.</summary>
    public static bool SameValue(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(p => y.TryGetPropertyValue(p.Key, out var other) && SameValue(p.Value, other)),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => SameValue(p.First, p.Second)),
        (JsonValue x, JsonValue y) => AsString(x) == AsString(y),
        _ => false,
    };
}
