using Portal.Aws;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Tests.Stacks;

public sealed class ListenerRulePrioritiesTests
{
    private const string Listener = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/shared/1/2";

    [Fact]
    public async Task A_burst_of_allocations_shares_one_listing()
    {
        var rules = new ListenerRulesAt(5, 7);
        var priorities = new ListenerRulePriorities(rules, new ProvisioningOptions(), new ManualClock());

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => priorities.UsedAsync(Listener, CancellationToken.None)));

        Assert.Equal(1, rules.Calls);
        Assert.All(answers, a => Assert.Equal([5, 7], a));
    }

    [Fact]
    public async Task A_listing_older_than_its_freshness_is_read_again()
    {
        var rules = new ListenerRulesAt(5);
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
        var rules = new ListenerRulesAt(5) { FailNext = true };
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
}
