using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Aws.Protocol;

/// <summary>Reading JSON 1.1 answers and building inputs: absent and null members read as null; epoch-seconds timestamps.</summary>
public static class JsonRead
{
    public static JsonElement? Member(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static string? Str(this JsonElement element, string name) =>
        element.Member(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static string Required(this JsonElement element, string name) =>
        element.Str(name) ?? throw new AwsProtocolException($"The answer has no \"{name}\".");

    public static int? Int(this JsonElement element, string name) =>
        element.Member(name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt32() : null;

    /// <summary>AWS JSON protocols send timestamps as epoch seconds, possibly with a fraction.</summary>
    public static DateTimeOffset? Time(this JsonElement element, string name) => element.Member(name) switch
    {
        { ValueKind: JsonValueKind.Number } value => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value.GetDouble() * 1000)),
        { ValueKind: JsonValueKind.String } value => DateTimeOffset.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.Member(name) is { ValueKind: JsonValueKind.Array } value ? value.EnumerateArray() : [];

    public static IReadOnlyList<string> Strings(this JsonElement element, string name) =>
        element.Items(name).Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList();

    /// <summary>Adds the member only when the value is not null (AWS's JSON protocols leave unset members out).</summary>
    public static JsonObject Set(this JsonObject json, string name, JsonNode? value)
    {
        if (value is not null) json[name] = value;
        return json;
    }

    public static JsonObject Set(this JsonObject json, string name, string? value) => json.Set(name, value is null ? null : JsonValue.Create(value));

    public static JsonObject Set(this JsonObject json, string name, int? value) => json.Set(name, value is null ? null : JsonValue.Create(value.Value));

    public static JsonObject Set(this JsonObject json, string name, bool? value) => json.Set(name, value is null ? null : JsonValue.Create(value.Value));
}
