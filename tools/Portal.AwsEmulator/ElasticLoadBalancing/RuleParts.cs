using System.Globalization;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Templates;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.ElasticLoadBalancing;

/// <summary>Reads rule conditions and actions from a Query request or from a CloudFormation resource's properties (same shapes).</summary>
public static class RuleParts
{
    private static readonly Dictionary<string, string> ConditionConfigs = new(StringComparer.Ordinal)
    {
        ["host-header"] = "HostHeaderConfig",
        ["path-pattern"] = "PathPatternConfig",
        ["http-request-method"] = "HttpRequestMethodConfig",
        ["source-ip"] = "SourceIpConfig",
        ["http-header"] = "HttpHeaderConfig",
        ["query-string"] = "QueryStringConfig",
    };

    public static string? ConfigName(string field) => ConditionConfigs.GetValueOrDefault(field);

    // ---------- Query protocol ----------

    public static List<RuleCondition> Conditions(QueryInput input, string name) => input.Members(name).Select(c =>
    {
        var field = c.Required("Field");
        var config = ConfigName(field);
        var values = c.Strings("Values").ToList();
        if (config is not null && c.Has(config))
            values = field == "query-string" ? [] : c.Strings($"{config}.Values").ToList();
        return new RuleCondition
        {
            Field = field,
            Values = values,
            HttpHeaderName = c.String("HttpHeaderConfig.HttpHeaderName"),
            QueryStrings = c.Members("QueryStringConfig.Values").Select(q => new KeyValuePair<string?, string>(q.String("Key"), q.String("Value") ?? "")).ToList(),
        };
    }).ToList();

    public static List<RuleAction> Actions(QueryInput input, string name) => input.Members(name).Select(a => new RuleAction
    {
        Type = a.Required("Type"),
        Order = a.Int("Order"),
        TargetGroups = a.String("TargetGroupArn") is { } arn
            ? [new WeightedTargetGroup(arn, null)]
            : a.Members("ForwardConfig.TargetGroups").Select(t => new WeightedTargetGroup(t.Required("TargetGroupArn"), t.Int("Weight"))).ToList(),
        FixedResponse = a.Has("FixedResponseConfig")
            ? new FixedResponse(a.Required("FixedResponseConfig.StatusCode"), a.String("FixedResponseConfig.ContentType"), a.String("FixedResponseConfig.MessageBody"))
            : null,
        Redirect = a.Has("RedirectConfig")
            ? new Redirect(a.Required("RedirectConfig.StatusCode"), a.String("RedirectConfig.Protocol"), a.String("RedirectConfig.Port"),
                a.String("RedirectConfig.Host"), a.String("RedirectConfig.Path"), a.String("RedirectConfig.Query"))
            : null,
    }).ToList();

    // ---------- CloudFormation properties ----------

    public static List<RuleCondition> Conditions(JsonNode? node) => Objects(node).Select(c =>
    {
        var field = Text(c, "Field") ?? "";
        var config = ConfigName(field) is { } configName ? c[configName] as JsonObject : null;
        return new RuleCondition
        {
            Field = field,
            Values = config is not null && field != "query-string" ? Texts(config["Values"]) : Texts(c["Values"]),
            HttpHeaderName = config is not null ? Text(config, "HttpHeaderName") : null,
            QueryStrings = field == "query-string" && config is not null
                ? Objects(config["Values"]).Select(q => new KeyValuePair<string?, string>(Text(q, "Key"), Text(q, "Value") ?? "")).ToList()
                : [],
        };
    }).ToList();

    public static List<RuleAction> Actions(JsonNode? node) => Objects(node).Select((a, i) => new RuleAction
    {
        Type = Text(a, "Type") ?? "forward",
        Order = int.TryParse(Text(a, "Order"), CultureInfo.InvariantCulture, out var order) ? order : i + 1,
        TargetGroups = Text(a, "TargetGroupArn") is { } arn
            ? [new WeightedTargetGroup(arn, null)]
            : Objects((a["ForwardConfig"] as JsonObject)?["TargetGroups"])
                .Select(t => new WeightedTargetGroup(Text(t, "TargetGroupArn") ?? "", int.TryParse(Text(t, "Weight"), CultureInfo.InvariantCulture, out var w) ? w : null)).ToList(),
        FixedResponse = a["FixedResponseConfig"] is JsonObject fixedResponse
            ? new FixedResponse(Text(fixedResponse, "StatusCode") ?? "", Text(fixedResponse, "ContentType"), Text(fixedResponse, "MessageBody"))
            : null,
        Redirect = a["RedirectConfig"] is JsonObject redirect
            ? new Redirect(Text(redirect, "StatusCode") ?? "", Text(redirect, "Protocol"), Text(redirect, "Port"), Text(redirect, "Host"), Text(redirect, "Path"), Text(redirect, "Query"))
            : null,
    }).ToList();

    private static IEnumerable<JsonObject> Objects(JsonNode? node) => node is JsonArray list ? list.OfType<JsonObject>() : [];

    private static string? Text(JsonObject obj, string name) => TemplateText.AsString(obj[name]);

    private static List<string> Texts(JsonNode? node) => node is JsonArray list ? list.Select(TemplateText.AsString).OfType<string>().ToList() : [];
}
