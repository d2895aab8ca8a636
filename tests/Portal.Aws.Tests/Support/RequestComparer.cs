using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Tests.Support;

namespace Portal.Aws.Tests.Support;

/// <summary>
/// Compares an AWS request sent by the official JS SDK with one sent by the C# client: method, path, media type,
/// X-Amz-Target, signing service and region, then every form field (Query) or JSON member (JSON 1.1) after decoding.
/// Each difference is one line naming the field and both values.
/// </summary>
public static partial class RequestComparer
{
    public static List<string> Compare(CapturedRequest js, CapturedRequest cs, IReadOnlyCollection<string> generatedMembers)
    {
        var differences = new List<string>();
        void Same(string what, string? expected, string? actual)
        {
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
                differences.Add($"{what}: JS SDK sent {Show(expected)}, C# sent {Show(actual)}");
        }

        Same("method", js.Method, cs.Method);
        Same("path", js.Path, cs.Path);
        Same("media type", MediaType(js), MediaType(cs));
        Same("X-Amz-Target", js.Header("X-Amz-Target"), cs.Header("X-Amz-Target"));
        Same("signing service", js.SigningService, cs.SigningService);
        Same("signing region", js.SigningRegion, cs.SigningRegion);

        if (MediaType(js) == "application/x-www-form-urlencoded")
        {
            var expected = js.Form;
            var actual = cs.Form;
            foreach (var name in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
                Same($"field {name}", expected.GetValueOrDefault(name), actual.GetValueOrDefault(name));
        }
        else
        {
            CompareJson("", ParseJson(js.Body), ParseJson(cs.Body), generatedMembers, differences);
        }
        return differences;
    }

    private static void CompareJson(string path, JsonNode? expected, JsonNode? actual, IReadOnlyCollection<string> generated, List<string> differences)
    {
        var where = path.Length == 0 ? "body" : $"member {path}";
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!e.ContainsKey(name) || !a.ContainsKey(name))
                        differences.Add($"member {child}: JS SDK sent {(e.ContainsKey(name) ? e[name]?.ToJsonString() : "nothing")}, C# sent {(a.ContainsKey(name) ? a[name]?.ToJsonString() : "nothing")}");
                    else
                        CompareJson(child, e[name], a[name], generated, differences);
                }
                break;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                    differences.Add($"{where}: JS SDK sent {e.Count} items, C# sent {a.Count}");
                for (var i = 0; i < Math.Min(e.Count, a.Count); i++)
                    CompareJson($"{path}[{i}]", e[i], a[i], generated, differences);
                break;
            default:
                var expectedText = expected?.ToJsonString();
                var actualText = actual?.ToJsonString();
                if (generated.Contains(path) && IsUuid(expected) && IsUuid(actual)) break;
                if (!JsonNode.DeepEquals(expected, actual))
                    differences.Add($"{where}: JS SDK sent {expectedText ?? "null"}, C# sent {actualText ?? "null"}");
                break;
        }
    }

    private static bool IsUuid(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && UuidPattern().IsMatch(text);

    private static JsonNode? ParseJson(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            return JsonValue.Create($"<not JSON: {e.Message}>");
        }
    }

    private static string? MediaType(CapturedRequest request) =>
        request.Header("Content-Type")?.Split(';')[0].Trim().ToLowerInvariant();

    private static string Show(string? value) => value is null ? "nothing" : $"\"{value}\"";

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidPattern();
}
