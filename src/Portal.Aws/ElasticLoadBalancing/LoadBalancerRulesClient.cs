using System.Xml.Linq;
using Portal.Aws.Protocol;

namespace Portal.Aws.ElasticLoadBalancing;

/// <summary>Elastic Load Balancing v2 over the Query protocol (API version 2015-12-01), field names as in AWS's API reference.</summary>
public sealed class LoadBalancerRulesClient(AwsRequestSender sender) : ILoadBalancerRules
{
    public const string ApiVersion = "2015-12-01";
    private readonly QueryProtocol query = new(AwsService.ElasticLoadBalancing, ApiVersion, sender);

    /// <summary>Condition fields whose values travel in a "…Config.Values" structure; other fields use the plain "Values" list.</summary>
    private static readonly Dictionary<string, string> ConditionConfigs = new(StringComparer.Ordinal)
    {
        ["host-header"] = "HostHeaderConfig",
        ["path-pattern"] = "PathPatternConfig",
        ["http-request-method"] = "HttpRequestMethodConfig",
        ["source-ip"] = "SourceIpConfig",
    };

    public async Task<IReadOnlyList<ListenerInfo>> DescribeListenersAsync(string? loadBalancerArn = null, IReadOnlyList<string>? listenerArns = null, CancellationToken cancellationToken = default)
    {
        var listeners = new List<ListenerInfo>();
        string? marker = null;
        do
        {
            var form = query.NewRequest("DescribeListeners")
                .Add("LoadBalancerArn", loadBalancerArn)
                .AddList("ListenerArns", listenerArns)
                .Add("Marker", marker);
            var result = await query.InvokeAsync(form, cancellationToken);
            listeners.AddRange(result.Members("Listeners").Select(l => new ListenerInfo(
                l.Required("ListenerArn"), l.Required("LoadBalancerArn"), l.Int("Port") ?? 0, l.Required("Protocol"), l.Text("SslPolicy"),
                l.Members("Certificates").Select(c => c.Text("CertificateArn")).OfType<string>().ToList())));
            marker = result.Text("NextMarker");
        } while (!string.IsNullOrEmpty(marker));
        return listeners;
    }

    public async Task<IReadOnlyList<ListenerRuleInfo>> DescribeRulesAsync(string listenerArn, CancellationToken cancellationToken = default)
    {
        var rules = new List<ListenerRuleInfo>();
        string? marker = null;
        do
        {
            var form = query.NewRequest("DescribeRules").Add("ListenerArn", listenerArn).Add("Marker", marker);
            var result = await query.InvokeAsync(form, cancellationToken);
            rules.AddRange(ReadRules(result));
            marker = result.Text("NextMarker");
        } while (!string.IsNullOrEmpty(marker));
        return rules;
    }

    public async Task<ListenerRuleInfo> CreateRuleAsync(CreateRuleRequest request, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("CreateRule")
            .Add("ListenerArn", request.ListenerArn)
            .Add("Priority", request.Priority);
        AddConditions(form, request.Conditions);
        AddActions(form, request.Actions);
        form.AddList("Tags", QueryForm.NonEmpty(request.Tags), (f, prefix, t) => f.Add($"{prefix}.Key", t.Key).Add($"{prefix}.Value", t.Value));
        return SingleRule("CreateRule", await query.InvokeAsync(form, cancellationToken));
    }

    public async Task<ListenerRuleInfo> ModifyRuleAsync(ModifyRuleRequest request, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("ModifyRule").Add("RuleArn", request.RuleArn);
        AddConditions(form, request.Conditions);
        AddActions(form, request.Actions);
        return SingleRule("ModifyRule", await query.InvokeAsync(form, cancellationToken));
    }

    public async Task DeleteRuleAsync(string ruleArn, CancellationToken cancellationToken = default)
    {
        await query.InvokeAsync(query.NewRequest("DeleteRule").Add("RuleArn", ruleArn), cancellationToken);
    }

    public async Task<IReadOnlyList<ListenerRuleInfo>> SetRulePrioritiesAsync(IReadOnlyList<RulePriorityPair> priorities, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("SetRulePriorities")
            .AddList("RulePriorities", priorities, (f, prefix, p) => f.Add($"{prefix}.RuleArn", p.RuleArn).Add($"{prefix}.Priority", p.Priority));
        return ReadRules(await query.InvokeAsync(form, cancellationToken));
    }

    public async Task<IReadOnlyList<TargetHealthInfo>> DescribeTargetHealthAsync(string targetGroupArn, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("DescribeTargetHealth").Add("TargetGroupArn", targetGroupArn);
        var result = await query.InvokeAsync(form, cancellationToken);
        return result.Members("TargetHealthDescriptions").Select(d =>
        {
            var target = d.Child("Target");
            var health = d.Child("TargetHealth");
            return new TargetHealthInfo(target?.Required("Id") ?? throw new AwsProtocolException("A target health description has no <Target>."),
                target.Int("Port"), health?.Text("State") ?? "unavailable", health?.Text("Reason"), health?.Text("Description"));
        }).ToList();
    }

    /// <summary>Null leaves the conditions as they are (ModifyRule); an empty list is sent as "Conditions=".</summary>
    private static void AddConditions(QueryForm form, IReadOnlyList<RuleConditionInfo>? conditions) =>
        form.AddList("Conditions", conditions, (f, prefix, c) =>
        {
            f.Add($"{prefix}.Field", c.Field);
            f.AddList(ConditionConfigs.TryGetValue(c.Field, out var config) ? $"{prefix}.{config}.Values" : $"{prefix}.Values", c.Values);
        });

    private static void AddActions(QueryForm form, IReadOnlyList<RuleActionInfo>? actions) =>
        form.AddList("Actions", actions, (f, prefix, a) =>
        {
            f.Add($"{prefix}.Type", a.Type).Add($"{prefix}.Order", a.Order).Add($"{prefix}.TargetGroupArn", a.TargetGroupArn);
            if (a.FixedResponse is { } fixedResponse)
                f.Add($"{prefix}.FixedResponseConfig.StatusCode", fixedResponse.StatusCode)
                    .Add($"{prefix}.FixedResponseConfig.ContentType", fixedResponse.ContentType)
                    .Add($"{prefix}.FixedResponseConfig.MessageBody", fixedResponse.MessageBody);
            if (a.Redirect is { } redirect)
                f.Add($"{prefix}.RedirectConfig.Protocol", redirect.Protocol)
                    .Add($"{prefix}.RedirectConfig.Port", redirect.Port)
                    .Add($"{prefix}.RedirectConfig.Host", redirect.Host)
                    .Add($"{prefix}.RedirectConfig.Path", redirect.Path)
                    .Add($"{prefix}.RedirectConfig.Query", redirect.Query)
                    .Add($"{prefix}.RedirectConfig.StatusCode", redirect.StatusCode);
        });

    private static ListenerRuleInfo SingleRule(string action, XElement result) =>
        ReadRules(result).FirstOrDefault() ?? throw new AwsProtocolException($"The {action} answer has no rule.");

    private static List<ListenerRuleInfo> ReadRules(XElement result) =>
        result.Members("Rules").Select(r => new ListenerRuleInfo(
            r.Required("RuleArn"),
            r.Required("Priority"),
            r.Bool("IsDefault") ?? false,
            r.Members("Conditions").Select(ReadCondition).ToList(),
            r.Members("Actions").Select(ReadAction).ToList())).ToList();

    private static RuleConditionInfo ReadCondition(XElement c)
    {
        var field = c.Required("Field");
        var values = ConditionConfigs.TryGetValue(field, out var config) && c.Child(config) is { } configElement
            ? configElement.Strings("Values")
            : c.Strings("Values");
        return new RuleConditionInfo(field, values);
    }

    private static RuleActionInfo ReadAction(XElement a)
    {
        var targetGroupArn = a.Text("TargetGroupArn")
            ?? a.Child("ForwardConfig")?.Members("TargetGroups").Select(t => t.Text("TargetGroupArn")).FirstOrDefault(arn => arn is not null);
        var fixedResponse = a.Child("FixedResponseConfig") is { } f
            ? new FixedResponseInfo(f.Required("StatusCode"), f.Text("ContentType"), f.Text("MessageBody"))
            : null;
        var redirect = a.Child("RedirectConfig") is { } r
            ? new RedirectInfo(r.Required("StatusCode"), r.Text("Protocol"), r.Text("Port"), r.Text("Host"), r.Text("Path"), r.Text("Query"))
            : null;
        return new RuleActionInfo(a.Required("Type"), a.Int("Order"), targetGroupArn, fixedResponse, redirect);
    }
}
