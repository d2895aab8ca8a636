using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.Protocol;

/// <summary>Typed reads of a JSON 1.1 request body, failing with the service's validation error like AWS.</summary>
public static class JsonInput
{
    public static string? String(this JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static string RequiredString(this JsonObject body, string name) =>
        body.String(name) is { Length: > 0 } value ? value : throw AwsServiceException.ValidationException(AwsServiceException.MissingMemberMessage(name));

    public static int? Int(this JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.GetValue<int>(),
        _ => throw AwsServiceException.ValidationException($"1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must be a number"),
    };

    public static bool? Bool(this JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw AwsServiceException.ValidationException($"1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must be a boolean"),
    };

    public static JsonObject? Object(this JsonObject body, string name) => body[name] as JsonObject;

    public static IEnumerable<JsonObject> Objects(this JsonObject body, string name) =>
        body[name] is JsonArray array ? array.OfType<JsonObject>() : [];

    /// <summary>AWS JSON protocols send timestamps as epoch seconds with a fraction.</summary>
    public static JsonValue Time(DateTimeOffset time) => JsonValue.Create(time.ToUnixTimeMilliseconds() / 1000.0);
}
