using System.Xml.Linq;
using static Portal.AwsEmulator.Protocol.QueryXml;

namespace Portal.AwsEmulator.ElasticLoadBalancing;

/// <summary>ELBv2 response shapes (Listeners, Rules, TargetHealthDescriptions) as AWS writes them.</summary>
public static class LoadBalancingXml
{
    public static IEnumerable<XElement?> Listener(ListenerRecord listener) =>
    [
        new XElement("ListenerArn", listener.Arn),
        new XElement("LoadBalancerArn", listener.LoadBalancerArn),
        Element("Port", listener.Port),
        new XElement("Protocol", listener.Protocol),
        Optional("SslPolicy", listener.SslPolicy),
        Members("Certificates", listener.CertificateArns.Select(arn => new[] { new XElement("CertificateArn", arn) })),
        Members("DefaultActions", listener.DefaultActions.Select(Action)),
    ];

    public static IEnumerable<XElement?> Rule(RuleRecord rule) =>
    [
        new XElement("RuleArn", rule.Arn),
        new XElement("Priority", rule.Priority?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"),
        Members("Conditions", rule.Conditions.Select(Condition)),
        Members("Actions", rule.Actions.Select(Action)),
        Element("IsDefault", rule.IsDefault),
    ];

    public static IEnumerable<XElement?> TargetHealthDescription(TargetHealth health, string? healthCheckPort) =>
    [
        new XElement("Target", new XElement("Id", health.Id), Optional("Port", health.Port)),
        Optional("HealthCheckPort", healthCheckPort == "traffic-port" ? health.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) : healthCheckPort),
        new XElement("TargetHealth", new XElement("State", health.State), Optional("Reason", health.Reason), Optional("Description", health.Description)),
    ];

    private static IEnumerable<XElement?> Condition(RuleCondition condition)
    {
        yield return new XElement("Field", condition.Field);
        if (condition.Field is "host-header" or "path-pattern")
            yield return Strings("Values", condition.Values);
        var config = RuleParts.ConfigName(condition.Field);
        if (config is null) yield break;
        yield return condition.Field switch
        {
            "http-header" => new XElement(config, new XElement("HttpHeaderName", condition.HttpHeaderName), Strings("Values", condition.Values)),
            "query-string" => new XElement(config, Members("Values", condition.QueryStrings.Select(q => new[] { Optional("Key", q.Key), new XElement("Value", q.Value) }))),
            _ => new XElement(config, Strings("Values", condition.Values)),
        };
    }

    private static IEnumerable<XElement?> Action(RuleAction action)
    {
        yield return new XElement("Type", action.Type);
        yield return Optional("Order", action.Order);
        if (action.TargetGroups.Count == 1)
            yield return new XElement("TargetGroupArn", action.TargetGroups[0].TargetGroupArn);
        if (action.TargetGroups.Count > 0)
            yield return new XElement("ForwardConfig",
                Members("TargetGroups", action.TargetGroups.Select(t => new[] { new XElement("TargetGroupArn", t.TargetGroupArn), Element("Weight", t.Weight ?? 1) })),
                new XElement("TargetGroupStickinessConfig", Element("Enabled", false)));
        if (action.FixedResponse is { } fixedResponse)
            yield return new XElement("FixedResponseConfig",
                Optional("MessageBody", fixedResponse.MessageBody), new XElement("StatusCode", fixedResponse.StatusCode), Optional("ContentType", fixedResponse.ContentType));
        if (action.Redirect is { } redirect)
            yield return new XElement("RedirectConfig",
                new XElement("Protocol", redirect.Protocol ?? "#{protocol}"), new XElement("Port", redirect.Port ?? "#{port}"),
                new XElement("Host", redirect.Host ?? "#{host}"), new XElement("Path", redirect.Path ?? "/#{path}"),
                new XElement("Query", redirect.Query ?? "#{query}"), new XElement("StatusCode", redirect.StatusCode));
    }
}
