using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portal.GitLabStandIn.Hooks;

/// <summary>Gitlab::PushOptions: "ci.skip" → {"ci":{"skip":true}}; multi-value keys count their values.</summary>
public static partial class PushOptions
{
    private static readonly Dictionary<string, string[]> ValidOptions = new()
    {
        ["merge_request"] =
        [
            "assign", "create", "description", "draft", "label", "merge_when_pipeline_succeeds", "milestone", "remove_source_branch",
            "target", "target_project", "title", "unassign", "unlabel",
        ],
        ["ci"] = ["skip", "variable", "input"],
        ["integrations"] = ["skip_ci"],
        ["secret_detection"] = ["skip_all"],
    };

    private static readonly HashSet<string> MultiValue =
        ["ci.variable", "ci.input", "merge_request.label", "merge_request.unlabel", "merge_request.assign", "merge_request.unassign"];

    [GeneratedRegex(@"^(?<namespace>[^\.]+)\.(?<key>[^=]+)=?(?<value>.*)$", RegexOptions.Singleline)]
    private static partial Regex OptionMatcher();

    public static JsonObject Parse(IEnumerable<string> raw)
    {
        var options = new JsonObject();
        foreach (var option in raw)
        {
            var match = OptionMatcher().Match(option);
            if (!match.Success) continue;
            var ns = match.Groups["namespace"].Value.Trim();
            if (ns == "mr") ns = "merge_request";
            var key = match.Groups["key"].Value.Trim();
            var text = match.Groups["value"].Value.Trim();
            if (!ValidOptions.TryGetValue(ns, out var keys) || !keys.Contains(key)) continue;
            if (options[ns] is not JsonObject scope) options[ns] = scope = [];
            JsonNode value = text.Length == 0 ? JsonValue.Create(true) : JsonValue.Create(text);
            if (MultiValue.Contains($"{ns}.{key}"))
            {
                if (scope[key] is not JsonObject counts) scope[key] = counts = [];
                var name = text.Length == 0 ? "true" : text;
                counts[name] = (counts[name]?.GetValue<int>() ?? 0) + 1;
            }
            else scope[key] = value;
        }
        return options;
    }
}
