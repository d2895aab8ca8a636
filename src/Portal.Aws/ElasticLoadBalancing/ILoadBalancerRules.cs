using Portal.Aws.CloudFormation;

namespace Portal.Aws.ElasticLoadBalancing;

/// <summary>The Elastic Load Balancing v2 operations the portal uses (Query protocol, API version 2015-12-01).</summary>
public interface ILoadBalancerRules
{
    /// <summary>Listeners of a load balancer, or the listeners named; pages through every result.</summary>
    Task<IReadOnlyList<ListenerInfo>> DescribeListenersAsync(string? loadBalancerArn = null, IReadOnlyList<string>? listenerArns = null, CancellationToken cancellationToken = default);

    /// <summary>Every rule of a listener, the default rule included; pages through every result.</summary>
    Task<IReadOnlyList<ListenerRuleInfo>> DescribeRulesAsync(string listenerArn, CancellationToken cancellationToken = default);

    /// <summary>A priority already used on the listener answers PriorityInUse (as <see cref="AwsValidationException"/>).</summary>
    Task<ListenerRuleInfo> CreateRuleAsync(CreateRuleRequest request, CancellationToken cancellationToken = default);

    Task<ListenerRuleInfo> ModifyRuleAsync(ModifyRuleRequest request, CancellationToken cancellationToken = default);

    Task DeleteRuleAsync(string ruleArn, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ListenerRuleInfo>> SetRulePrioritiesAsync(IReadOnlyList<RulePriorityPair> priorities, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TargetHealthInfo>> DescribeTargetHealthAsync(string targetGroupArn, CancellationToken cancellationToken = default);
}

public sealed record ListenerInfo(string ListenerArn, string LoadBalancerArn, int Port, string Protocol, string? SslPolicy, IReadOnlyList<string> CertificateArns);

public sealed record ListenerRuleInfo(
    string RuleArn,
    // "default" for the default rule, otherwise the number.
    string Priority,
    bool IsDefault,
    IReadOnlyList<RuleConditionInfo> Conditions,
    IReadOnlyList<RuleActionInfo> Actions)
{
    public int? NumericPriority => int.TryParse(Priority, out var value) ? value : null;
}

/// <summary>Field: host-header, path-pattern, http-header, http-request-method, query-string, source-ip.</summary>
public sealed record RuleConditionInfo(string Field, IReadOnlyList<string> Values);

/// <summary>
/// Type: forward (TargetGroupArn), fixed-response (StatusCode, ContentType, MessageBody) or redirect
/// (Protocol, Port, Host, Path, Query, StatusCode HTTP_301/HTTP_302).
/// </summary>
public sealed record RuleActionInfo(string Type, int? Order = null, string? TargetGroupArn = null,
    FixedResponseInfo? FixedResponse = null, RedirectInfo? Redirect = null);

public sealed record FixedResponseInfo(string StatusCode, string? ContentType, string? MessageBody);

public sealed record RedirectInfo(string StatusCode, string? Protocol, string? Port, string? Host, string? Path, string? Query);

public sealed record CreateRuleRequest(string ListenerArn, int Priority, IReadOnlyList<RuleConditionInfo> Conditions, IReadOnlyList<RuleActionInfo> Actions)
{
    public IReadOnlyList<StackInputTag> Tags { get; init; } = [];
}

public sealed record ModifyRuleRequest(string RuleArn)
{
    public IReadOnlyList<RuleConditionInfo>? Conditions { get; init; }
    public IReadOnlyList<RuleActionInfo>? Actions { get; init; }
}

public sealed record RulePriorityPair(string RuleArn, int Priority);

/// <summary>State: initial, healthy, unhealthy, unused, draining, unavailable.</summary>
public sealed record TargetHealthInfo(string TargetId, int? Port, string State, string? Reason, string? Description);
