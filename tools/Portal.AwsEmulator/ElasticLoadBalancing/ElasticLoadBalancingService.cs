using System.Xml.Linq;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;
using static Portal.AwsEmulator.Protocol.QueryXml;

namespace Portal.AwsEmulator.ElasticLoadBalancing;

/// <summary>Elastic Load Balancing v2 (Query protocol, 2015-12-01): the listener, listener certificate, rule and target health operations the portal uses.</summary>
public sealed class ElasticLoadBalancingService(EmulatorState state) : IQueryService
{
    private const int MaxPageSize = 400;

    private static readonly HashSet<string> Actions =
    [
        "DescribeListeners", "DescribeRules", "CreateRule", "ModifyRule", "DeleteRule", "SetRulePriorities", "DescribeTargetHealth",
        "AddListenerCertificates", "DescribeListenerCertificates", "RemoveListenerCertificates",
    ];

    public string Name => "elasticloadbalancing";
    public string Version => "2015-12-01";
    public string XmlNamespace => "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

    public bool Supports(string action) => Actions.Contains(action);

    public Task<IEnumerable<XElement>?> HandleAsync(AwsOperationContext context, CancellationToken cancellationToken)
    {
        var store = state.Region(context.Region).LoadBalancing;
        var input = context.Query;
        IEnumerable<XElement>? result = context.Operation switch
        {
            "DescribeListeners" => DescribeListeners(store, input),
            "DescribeRules" => DescribeRules(store, input),
            "CreateRule" => RuleList(store.CreateRule(input.Required("ListenerArn"), input.Int("Priority") ?? throw Missing("Priority"),
                RuleParts.Conditions(input, "Conditions"), RuleParts.Actions(input, "Actions"))),
            "ModifyRule" => RuleList(store.ModifyRule(input.Required("RuleArn"),
                input.Has("Conditions") ? RuleParts.Conditions(input, "Conditions") : null,
                input.Has("Actions") ? RuleParts.Actions(input, "Actions") : null)),
            "DeleteRule" => Delete(store, input.Required("RuleArn")),
            "SetRulePriorities" => SetRulePriorities(store, input),
            "DescribeTargetHealth" => DescribeTargetHealth(store, input),
            "AddListenerCertificates" => [CertificateList(store.AddListenerCertificates(input.Required("ListenerArn"), CertificateArns(input))
                .Select(arn => (arn, false)))],
            "DescribeListenerCertificates" => DescribeListenerCertificates(store, input),
            "RemoveListenerCertificates" => RemoveListenerCertificates(store, input),
            _ => throw new AwsServiceException("InvalidAction", $"The action {context.Operation} is not valid for this web service."),
        };
        return Task.FromResult<IEnumerable<XElement>?>(result);
    }

    private static IEnumerable<XElement> DescribeListeners(LoadBalancingStore store, QueryInput input)
    {
        var loadBalancerArn = input.String("LoadBalancerArn");
        var arns = input.Strings("ListenerArns");
        var listeners = store.DescribeListeners(loadBalancerArn, arns);
        var (page, next) = Page(listeners, $"listeners:{loadBalancerArn}:{string.Join(',', arns)}", input);
        return [Members("Listeners", page.Select(LoadBalancingXml.Listener)), .. Marker(next)];
    }

    private static IEnumerable<XElement> DescribeRules(LoadBalancingStore store, QueryInput input)
    {
        var listenerArn = input.String("ListenerArn");
        var arns = input.Strings("RuleArns");
        var rules = store.DescribeRules(listenerArn, arns);
        var (page, next) = Page(rules, $"rules:{listenerArn}:{string.Join(',', arns)}", input);
        return [Members("Rules", page.Select(LoadBalancingXml.Rule)), .. Marker(next)];
    }

    private static IEnumerable<XElement> SetRulePriorities(LoadBalancingStore store, QueryInput input)
    {
        var pairs = input.Members("RulePriorities")
            .Select(p => (p.Required("RuleArn"), p.Int("Priority") ?? throw Missing("Priority")))
            .ToList();
        if (pairs.Count == 0) throw Missing("RulePriorities");
        return [Members("Rules", store.SetRulePriorities(pairs).Select(LoadBalancingXml.Rule))];
    }

    private static IEnumerable<XElement> DescribeTargetHealth(LoadBalancingStore store, QueryInput input)
    {
        var groupArn = input.Required("TargetGroupArn");
        var wanted = input.Members("Targets").Select(t => t.Required("Id")).ToHashSet();
        var health = store.DescribeTargetHealth(groupArn).Where(h => wanted.Count == 0 || wanted.Contains(h.Id));
        var port = store.FindTargetGroup(groupArn)?.HealthCheckPort;
        return [Members("TargetHealthDescriptions", health.Select(h => LoadBalancingXml.TargetHealthDescription(h, port)))];
    }

    private static IEnumerable<XElement> DescribeListenerCertificates(LoadBalancingStore store, QueryInput input)
    {
        var listenerArn = input.Required("ListenerArn");
        var (page, next) = Page(store.DescribeListenerCertificates(listenerArn), $"certificates:{listenerArn}", input);
        return [CertificateList(page), .. Marker(next)];
    }

    private static IEnumerable<XElement> RemoveListenerCertificates(LoadBalancingStore store, QueryInput input)
    {
        store.RemoveListenerCertificates(input.Required("ListenerArn"), CertificateArns(input));
        return [];
    }

    private static IReadOnlyList<string> CertificateArns(QueryInput input) =>
        input.Members("Certificates").Select(c => c.Required("CertificateArn")).ToList();

    private static XElement CertificateList(IEnumerable<(string Arn, bool IsDefault)> certificates) =>
        Members("Certificates", certificates.Select(c => new[] { new XElement("CertificateArn", c.Arn), Element("IsDefault", c.IsDefault) }));

    private static IEnumerable<XElement> RuleList(RuleRecord rule) => [Members("Rules", [LoadBalancingXml.Rule(rule)])];

    private static IEnumerable<XElement> Delete(LoadBalancingStore store, string ruleArn)
    {
        store.DeleteRule(ruleArn);
        return [];
    }

    private static (IReadOnlyList<T> Items, string? Next) Page<T>(IReadOnlyList<T> items, string listing, QueryInput input)
    {
        var pageSize = input.Int("PageSize") ?? MaxPageSize;
        if (pageSize is < 1 or > MaxPageSize)
            throw AwsServiceException.Validation($"1 validation error detected: Value '{pageSize}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and {MaxPageSize}");
        var position = PageToken.Decode(listing, input.String("Marker"))
            ?? throw AwsServiceException.Validation("Invalid marker");
        return PageToken.Page(items, listing, position, pageSize);
    }

    private static IEnumerable<XElement> Marker(string? next) => next is null ? [] : [new XElement("NextMarker", next)];

    private static AwsServiceException Missing(string member) => AwsServiceException.Validation(AwsServiceException.MissingMemberMessage(member));
}
