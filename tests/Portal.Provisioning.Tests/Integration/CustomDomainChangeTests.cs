using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws;
using Portal.Aws.CloudFormation;
using Portal.Aws.ElasticLoadBalancing;
using Portal.AwsEmulator.CertificateManager;
using Portal.AwsEmulator.State;
using Portal.Data.Entities;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Templates;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>
/// A customer adds a custom domain to a production host and removes it again through the update flow (previewed as change
/// sets, confirmed, stacks updated) at the emulator, which refuses what AWS refuses: a target group on a second load
/// balancer, deleting a load balancer whose deletion protection is on. Both ways are one clean update of the host's
/// stacks (no rollback, nothing failed, nothing left behind) that leave the rest of the shared listener as it was.
/// </summary>
public sealed class CustomDomainChangeTests : ProvisioningWorldTests
{
    private const string Domain = "www.branded.example";

    [Fact]
    public async Task A_custom_domain_is_added_and_removed_through_changes_by_clean_updates_on_a_load_balancer_and_target_group_of_its_own()
    {
        var hosts = await Task.WhenAll(
            World.ActiveHostAsync("neighbour", EnvironmentKind.Production), World.ActiveHostAsync("branded", EnvironmentKind.Production));
        var (neighbour, host) = (hosts[0], hosts[1]);
        var certificate = await World.Emulator.SeedCertificateAsync(new SeedCertificate { DomainName = Domain });
        var production = (await World.HostAsync(host.Id)).Environments.Single();
        var stackId = production.SoftwareStackId!;
        var sharedBefore = await SharedRulesAsync();
        var ownShared = sharedBefore.Single(r => r.NumericPriority == production.ListenerPriority);
        var hostName = Assert.Single(Assert.Single(ownShared.Conditions, c => c.Field == "host-header").Values);
        var othersBefore = Described(sharedBefore.Where(r => r.RuleArn != ownShared.RuleArn));
        var neighbourPriority = (await World.HostAsync(neighbour.Id)).Environments.Single().ListenerPriority;
        var neighbourGroup = Forwarded(sharedBefore.Single(r => r.NumericPriority == neighbourPriority))!;
        var sharedLoadBalancer = Assert.Single(await Rules.DescribeListenersAsync(listenerArns: [Platform.SharedListenerArn])).LoadBalancerArn;

        // Added: previewed as a change set that makes the dedicated load balancer, with a target group of its own.
        var addedAt = DateTimeOffset.UtcNow;
        var adding = await World.ConfirmChangeAsync(Customer, host, o =>
        {
            o.CustomDomain = Domain;
            o.CertificateArn = certificate;
        });
        var addPreview = Assert.Single(adding.Stacks, s => s.Layer == "software");
        Assert.Equal(ChangeSetState.Ready, addPreview.Status);
        foreach (var resource in new[] { "DedicatedLoadBalancer", "DedicatedTargetGroup", "DedicatedHttpsListener", "DedicatedListenerRule" })
            Assert.Contains(addPreview.Changes, r => r.Action == "Add" && r.LogicalResourceId == resource);
        var withDomain = await SettledAsync(host.Id);

        Assert.Equal(HostState.Active, withDomain.State);
        Assert.Equal(HostChangeState.Applied, (await World.ChangeAsync(adding.Id)).State);
        await AssertCleanUpdateAsync(stackId, addedAt);
        var resources = await ResourcesAsync(stackId);
        var (loadBalancer, group) = (resources["DedicatedLoadBalancer"]!, resources["DedicatedTargetGroup"]!);
        var https = Assert.Single(await Rules.DescribeListenersAsync(loadBalancer), l => l.Port == 443);
        var domainRule = Assert.Single(await Rules.DescribeRulesAsync(https.ListenerArn), r => !r.IsDefault);
        Assert.Equal([Domain], Assert.Single(domainRule.Conditions, c => c.Field == "host-header").Values);
        Assert.Equal(group, Forwarded(domainRule));
        Assert.NotEqual(Forwarded(ownShared), group);
        Assert.Equal([loadBalancer], LoadBalancersOf(group));
        Assert.NotEmpty(await Rules.DescribeTargetHealthAsync(group));
        Assert.All(await Rules.DescribeTargetHealthAsync(group), t => Assert.Equal("healthy", t.State));
        var environment = withDomain.Environments.Single();
        Assert.Equal(($"https://{Domain}", production.ListenerPriority), (environment.Outputs["SiteUrl"], environment.ListenerPriority));
        Assert.True(environment.Outputs.ContainsKey(HostDnsRecords.DedicatedLoadBalancerDnsName));
        // The rest of the shared listener is as it was; the neighbour's target group stays on the shared load balancer only.
        var sharedWithDomain = await SharedRulesAsync();
        Assert.Equal(othersBefore, Described(sharedWithDomain.Where(r => r.RuleArn != ownShared.RuleArn)));
        Assert.Equal([sharedLoadBalancer], LoadBalancersOf(neighbourGroup));

        // Removed: the dedicated load balancer (deletion-protected) and its target group go, and the shared listener serves the host again.
        var removedAt = DateTimeOffset.UtcNow;
        var removing = await World.ConfirmChangeAsync(Customer, host, o =>
        {
            o.CustomDomain = null;
            o.CertificateArn = null;
        });
        var removePreview = Assert.Single(removing.Stacks, s => s.Layer == "software");
        Assert.Contains(removePreview.Changes, r => r.Action == "Remove" && r.LogicalResourceId == "DedicatedLoadBalancer");
        Assert.Contains(removePreview.Changes, r => r.Action == "Remove" && r.LogicalResourceId == "DedicatedTargetGroup");
        var withoutDomain = await SettledAsync(host.Id);

        Assert.Equal(HostState.Active, withoutDomain.State);
        Assert.Equal(HostChangeState.Applied, (await World.ChangeAsync(removing.Id)).State);
        await AssertCleanUpdateAsync(stackId, removedAt);
        Assert.Equal("LoadBalancerNotFound", (await Assert.ThrowsAsync<AwsNotFoundException>(() => Rules.DescribeListenersAsync(loadBalancer))).Code);
        Assert.Equal("TargetGroupNotFound", (await Assert.ThrowsAsync<AwsNotFoundException>(() => Rules.DescribeTargetHealthAsync(group))).Code);
        var after = await ResourcesAsync(stackId);
        Assert.DoesNotContain(after.Keys, id => id.StartsWith("Dedicated", StringComparison.Ordinal));
        var sharedAfter = await SharedRulesAsync();
        var served = Assert.Single(sharedAfter, r => r.NumericPriority == production.ListenerPriority);
        Assert.Equal([hostName], Assert.Single(served.Conditions, c => c.Field == "host-header").Values);
        Assert.Equal(after["TargetGroup"], Forwarded(served));
        Assert.Equal([sharedLoadBalancer], LoadBalancersOf(after["TargetGroup"]!));
        Assert.All(await Rules.DescribeTargetHealthAsync(after["TargetGroup"]!), t => Assert.Equal("healthy", t.State));
        Assert.NotEmpty(await Rules.DescribeTargetHealthAsync(after["TargetGroup"]!));
        Assert.Equal(othersBefore, Described(sharedAfter.Where(r => r.RuleArn != served.RuleArn)));
        var outputs = withoutDomain.Environments.Single().Outputs;
        Assert.Equal($"https://{hostName}", outputs["SiteUrl"]);
        Assert.DoesNotContain(HostDnsRecords.DedicatedLoadBalancerDnsName, outputs.Keys);
    }

    private ILoadBalancerRules Rules => World.Portal.Services.GetRequiredService<ILoadBalancerRules>();

    private ICloudFormation CloudFormation => World.Portal.Services.GetRequiredService<ICloudFormation>();

    private PlatformSettings Platform => World.Portal.Services.GetRequiredService<PlatformSettings>();

    private Task<IReadOnlyList<ListenerRuleInfo>> SharedRulesAsync() => Rules.DescribeRulesAsync(Platform.SharedListenerArn);

    /// <summary>The load balancers that forward to the target group (DescribeTargetGroups' LoadBalancerArns, read at the emulator).</summary>
    private IReadOnlyList<string> LoadBalancersOf(string targetGroupArn) =>
        World.Emulator.Services.GetRequiredService<EmulatorState>().Region(Platform.Region).LoadBalancing.LoadBalancerArnsOf(targetGroupArn);

    private static string? Forwarded(ListenerRuleInfo rule) => Assert.Single(rule.Actions, a => a.Type == "forward").TargetGroupArn;

    /// <summary>Rules by value (records holding lists compare by reference).</summary>
    private static List<string> Described(IEnumerable<ListenerRuleInfo> rules) =>
        rules.OrderBy(r => r.RuleArn, StringComparer.Ordinal).Select(r => JsonSerializer.Serialize(r)).ToList();

    private async Task<Dictionary<string, string?>> ResourcesAsync(string stackId) =>
        (await CloudFormation.DescribeStackResourcesAsync(stackId)).ToDictionary(r => r.LogicalResourceId, r => r.PhysicalResourceId);

    /// <summary>The stack's update since <paramref name="since"/> completed without a failed resource, a rollback or anything left to delete.</summary>
    private async Task AssertCleanUpdateAsync(string stackId, DateTimeOffset since)
    {
        Assert.Equal("UPDATE_COMPLETE", (await CloudFormation.DescribeStackAsync(stackId))?.StackStatus);
        var events = new List<StackEventDescription>();
        string? next = null;
        do
        {
            var page = await CloudFormation.DescribeStackEventsAsync(stackId, next);
            events.AddRange(page.Items);
            next = page.NextToken;
        } while (next is not null);
        var update = events.Where(e => e.Timestamp >= since).ToList();
        Assert.Contains(update, e => e.LogicalResourceId == e.StackName && e.ResourceStatus == "UPDATE_COMPLETE");
        Assert.DoesNotContain(update, e =>
            e.ResourceStatus.EndsWith("_FAILED", StringComparison.Ordinal) || e.ResourceStatus.Contains("ROLLBACK", StringComparison.Ordinal));
        Assert.All(await CloudFormation.DescribeStackResourcesAsync(stackId), r => Assert.EndsWith("_COMPLETE", r.ResourceStatus));
    }

    private Task<Host> SettledAsync(Guid hostId) =>
        Poll.UntilAsync(() => World.HostAsync(hostId), h => h.State is HostState.Active or HostState.Failed, TimeSpan.FromSeconds(90),
            $"host {hostId} to settle", ProvisioningWorld.Describe);
}
