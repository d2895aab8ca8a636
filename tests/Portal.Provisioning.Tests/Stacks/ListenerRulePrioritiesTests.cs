using Portal.Provisioning.Aws;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Tests.Stacks;

public sealed class ListenerRulePrioritiesTests
{
    private const string Listener = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/shared/1/2";

    [Fact]
    public async Task A_burst_of_allocations_shares_one_listing()
    {
        var rules = new CountingRules(5, 7);
        var priorities = new ListenerRulePriorities(rules, new ProvisioningOptions(), new ManualClock());

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => priorities.UsedAsync(Listener, CancellationToken.None)));

        Assert.Equal(1, rules.Calls);
        Assert.All(answers, a => Assert.Equal([5, 7], a));
    }

    [Fact]
    public async Task A_listing_older_than_its_freshness_is_read_again()
    {
        var rules = new CountingRules(5);
        var clock = new ManualClock();
        var priorities = new ListenerRulePriorities(rules, new ProvisioningOptions { ListenerRulesFreshFor = TimeSpan.FromSeconds(10) }, clock);

        await priorities.UsedAsync(Listener, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(9));
        await priorities.UsedAsync(Listener, CancellationToken.None);
        Assert.Equal(1, rules.Calls);

        rules.Used = [5, 9];
        clock.Advance(TimeSpan.FromSeconds(2));
        var reread = await priorities.UsedAsync(Listener, CancellationToken.None);
        Assert.Equal([5, 9], reread);
        Assert.Equal(2, rules.Calls);
    }

    [Fact]
    public async Task A_failed_listing_is_not_kept()
    {
        var rules = new CountingRules(5) { FailNext = true };
        var priorities = new ListenerRulePriorities(rules, new ProvisioningOptions(), new ManualClock());

        await Assert.ThrowsAsync<AwsNotFoundException>(() => priorities.UsedAsync(Listener, CancellationToken.None));
        var second = await priorities.UsedAsync(Listener, CancellationToken.None);
        Assert.Equal([5], second);
        Assert.Equal(2, rules.Calls);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => now;
        public void Advance(TimeSpan by) => now += by;
    }

    private sealed class CountingRules(params int[] used) : ILoadBalancerRules
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
            return [new ListenerRuleInfo("default-rule", "default", true, [], []), .. Used.Select(p => new ListenerRuleInfo($"rule-{p}", p.ToString(), false, [], []))];
        }

        public Task<IReadOnlyList<ListenerInfo>> DescribeListenersAsync(string? loadBalancerArn = null, IReadOnlyList<string>? listenerArns = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ListenerRuleInfo> CreateRuleAsync(CreateRuleRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ListenerRuleInfo> ModifyRuleAsync(ModifyRuleRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task DeleteRuleAsync(string ruleArn, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<ListenerRuleInfo>> SetRulePrioritiesAsync(IReadOnlyList<RulePriorityPair> priorities, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<TargetHealthInfo>> DescribeTargetHealthAsync(string targetGroupArn, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
