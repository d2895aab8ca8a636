using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.GitLabStandIn.Api;

/// <summary>
/// Request parameters as Grape merges them: route segments, query string and the form or JSON body. Typed getters
/// collect Grape's validation messages ("x is missing", "x is invalid", "x does not have a valid value"); <see cref="Validate"/>
/// answers them together as 400 {"error": "..."}.
/// </summary>
public sealed class ApiParams
{
    private readonly Dictionary<string, JsonNode?> values = new(StringComparer.Ordinal);
    private readonly List<string> errors = [];

    public static async Task<ApiParams> ReadAsync(HttpRequest request, IReadOnlyDictionary<string, string> route)
    {
        var result = new ApiParams();
        foreach (var (key, value) in request.Query) result.AddText(key, value.ToString());
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, value) in form) result.AddText(key, value.ToString());
        }
        else if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body);
            }
            catch (JsonException)
            {
                throw ApiError.Error(400, "message body does not match declared format");
            }
            if (body is JsonObject json)
                foreach (var (key, value) in json)
                {
                    if (HasNullByte(value)) throw ApiError.NullByte();
                    result.values[key] = value?.DeepClone();
                }
        }
        foreach (var (key, value) in route) result.values[key] = value;
        return result;
    }

    /// <summary>Parameters given as a JSON object (the seed file's hooks).</summary>
    public static ApiParams FromJson(JsonObject json)
    {
        var result = new ApiParams();
        foreach (var (key, value) in json) result.values[key] = value?.DeepClone();
        return result;
    }

    private void AddText(string key, string value)
    {
        if (key.Contains('\0') || value.Contains('\0')) throw ApiError.NullByte();
        var name = key.EndsWith("[]", StringComparison.Ordinal) ? key[..^2] : key;
        values[name] = value;
    }

    private static bool HasNullByte(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s.Contains('\0'),
        JsonObject o => o.Any(p => p.Key.Contains('\0') || HasNullByte(p.Value)),
        JsonArray a => a.Any(HasNullByte),
        _ => false,
    };

    public bool Has(string name) => values.ContainsKey(name);

    public IEnumerable<string> Names => values.Keys;

    public JsonNode? Raw(string name) => values.GetValueOrDefault(name);

    /// <summary>The value as text (numbers and booleans of a JSON body too), or null when absent or JSON null.</summary>
    public string? Text(string name) => values.GetValueOrDefault(name) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    public string? String(string name, bool required = false, IReadOnlyCollection<string>? allowed = null)
    {
        if (!Has(name))
        {
            if (required) errors.Add($"{name} is missing");
            if (required && allowed is not null) errors.Add($"{name} does not have a valid value");
            return null;
        }
        var node = values[name];
        if (node is JsonObject or JsonArray)
        {
            errors.Add($"{name} is invalid");
            return null;
        }
        var text = Text(name);
        if (allowed is not null && (text is null || !allowed.Contains(text)))
        {
            errors.Add($"{name} does not have a valid value");
            return null;
        }
        return text;
    }

    public long? Integer(string name, bool required = false)
    {
        if (!Has(name))
        {
            if (required) errors.Add($"{name} is missing");
            return null;
        }
        var text = Text(name);
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add($"{name} is invalid");
        return null;
    }

    /// <summary>Grape's Boolean coercion (dry-types Params::Bool).</summary>
    public bool? Boolean(string name)
    {
        if (!Has(name)) return null;
        switch (Text(name)?.ToLowerInvariant())
        {
            case null: return null;
            case "true" or "1" or "t" or "yes" or "y" or "on": return true;
            case "false" or "0" or "f" or "no" or "n" or "off": return false;
            default:
                errors.Add($"{name} is invalid");
                return null;
        }
    }

    public double? Float(string name)
    {
        if (!Has(name)) return null;
        var text = Text(name);
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        errors.Add($"{name} is invalid");
        return null;
    }

    /// <summary>A list given as a comma-separated string or an array (CommaSeparatedToArray).</summary>
    public IReadOnlyList<string> List(string name)
    {
        return values.GetValueOrDefault(name) switch
        {
            null => [],
            JsonArray array => [.. array.Select(n => n?.ToString() ?? "")],
            var node => (Text(name) ?? node.ToString()).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
    }

    public void AddError(string message) => errors.Add(message);

    public void Validate()
    {
        if (errors.Count > 0) throw ApiError.Error(400, string.Join(", ", errors.Distinct()));
    }
}
