using System.Globalization;
using Portal.Aws;
using Portal.Aws.ElasticLoadBalancing;

namespace Portal.Provisioning.Tests.Stacks;

/// <summary>A listener whose rules sit at the given priorities; counts its listings and can fail the next one.</summary>
internal sealed class ListenerRulesAt(params int[] used) : ILoadBalancerRules
{
    private int calls;
    public int Calls => calls;
    public int[] Used { get; set; } = used;
    public bool FailNext { get; set; }

    public async Task<IReadOnlyList<ListenerRuleInfo>> DescribeRulesAsync(string listenerArn, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref calls);
        await Task.Yield();
        if (FailNext)
        {
            FailNext = false;
            throw new AwsNotFoundException("elasticloadbalancing", "ListenerNotFound", "One or more listeners not found", "req-1", 400);
        }
        return [new ListenerRuleInfo("default-rule", "default", true, [], []), .. Used.Select(p => new ListenerRuleInfo($"rule-{p}", p.ToString(CultureInfo.InvariantCulture), false, [], []))];
    }

    public Task<IReadOnlyList<ListenerInfo>> DescribeListenersAsync(string? loadBalancerArn = null, IReadOnlyList<string>? listenerArns = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<ListenerRuleInfo> CreateRuleAsync(CreateRuleRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<ListenerRuleInfo> ModifyRuleAsync(ModifyRuleRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task DeleteRuleAsync(string ruleArn, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<ListenerRuleInfo>> SetRulePrioritiesAsync(IReadOnlyList<RulePriorityPair> priorities, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<TargetHealthInfo>> DescribeTargetHealthAsync(string targetGroupArn, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
