using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Services;

/// <summary>
/// Quotas Elastic Load Balancing enforces (set small here through Emulator:Quotas), for API calls and for stack
/// resources alike; and the certificate list of an HTTPS listener.
/// </summary>
public sealed class LoadBalancingQuotaTests(LoadBalancingQuotaTests.SmallQuotas aws) : IClassFixture<LoadBalancingQuotaTests.SmallQuotas>
{
    private const string Own = "arn:aws:acm:eu-west-1:000000000000:certificate/own";
    private const string Acme = "arn:aws:acm:eu-west-1:000000000000:certificate/acme";
    private const string Shared = "arn:aws:acm:eu-west-1:000000000000:certificate/shared";
    private const string Wildcard = "arn:aws:acm:eu-west-1:000000000000:certificate/wildcard-apps";

    public sealed class SmallQuotas : EmulatorFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Emulator:Quotas:RulesPerLoadBalancer"] = "3",
            ["Emulator:Quotas:TargetGroupsPerLoadBalancer"] = "2",
            ["Emulator:Quotas:CertificatesPerLoadBalancer"] = "2",
        };
    }

    /// <summary>A load balancer with an HTTPS listener and <paramref name="groups"/> target groups of its own.</summary>
    private async Task<(string Balancer, string Listener, IReadOnlyList<string> Groups)> BalancerAsync(int groups = 3)
    {
        var template = $$"""
            Resources:
              Balancer: { Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: { Subnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1] } }
              Https:
                Type: AWS::ElasticLoadBalancingV2::Listener
                Properties:
                  LoadBalancerArn: !Ref Balancer
                  Port: 443
                  Protocol: HTTPS
                  Certificates: [{ CertificateArn: {{Own}} }]
                  DefaultActions: [{ Type: fixed-response, FixedResponseConfig: { StatusCode: "503" } }]
            {{string.Concat(Enumerable.Range(0, groups).Select(i => $"  Group{i}: {{ Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {{ Port: 80, Protocol: HTTP, VpcId: vpc-0123456789abcdef0 }} }}\n"))}}
            Outputs:
              Balancer: { Value: !Ref Balancer }
              Listener: { Value: !Ref Https }
            """;
        var stack = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("quota"), template);
        Assert.Equal("CREATE_COMPLETE", stack.Status);
        var resources = await aws.Stacks.ResourcesAsync(stack.StackId);
        var targetGroups = Enumerable.Range(0, groups).Select(i => resources.Single(r => r.LogicalId == $"Group{i}").PhysicalId!).ToList();
        return (stack.Outputs["Balancer"], stack.Outputs["Listener"], targetGroups);
    }

    private Task<System.Xml.Linq.XElement> RuleAsync(string listener, int priority, string targetGroup) =>
        aws.LoadBalancing.CreateHostRuleAsync(listener, priority, $"h{priority}.example.com", targetGroup);

    [Fact]
    public async Task Rules_beyond_the_quota_per_load_balancer_are_refused_and_default_rules_do_not_count()
    {
        var (balancer, listener, groups) = await BalancerAsync();
        for (var priority = 1; priority <= 3; priority++) await RuleAsync(listener, priority, groups[0]);

        var tooMany = await Assert.ThrowsAsync<AwsError>(() => RuleAsync(listener, 4, groups[0]));

        Assert.Equal(("TooManyRules", $"The maximum number of rules on load balancer {balancer} has been reached", 400), (tooMany.Code, tooMany.AwsMessage, tooMany.Status));
        Assert.Equal(4, (await aws.LoadBalancing.RulesAsync(listener)).Count);
        await aws.LoadBalancing.CallAsync("DeleteRule", ("RuleArn", (await aws.LoadBalancing.RulesAsync(listener))[0].Arn));
        var again = await RuleAsync(listener, 4, groups[0]);
        Assert.Equal("4", again.Members("Rules")[0].Text("Priority"));
    }

    [Fact]
    public async Task A_priority_is_unique_per_listener_and_a_target_group_serves_one_load_balancer()
    {
        var (_, listener, groups) = await BalancerAsync();
        await RuleAsync(listener, 7, groups[0]);

        var inUse = await Assert.ThrowsAsync<AwsError>(() => RuleAsync(listener, 7, groups[0]));
        var shared = await Assert.ThrowsAsync<AwsError>(() => RuleAsync(EmulatorFixture.SharedListenerArn, 7, groups[0]));

        Assert.Equal(("PriorityInUse", "Priority '7' is currently in use"), (inUse.Code, inUse.AwsMessage));
        Assert.Equal(("TargetGroupAssociationLimit", $"The following target groups cannot be associated with more than one load balancer: {groups[0]}"),
            (shared.Code, shared.AwsMessage));
    }

    [Fact]
    public async Task Unique_target_groups_per_load_balancer_are_counted_once_however_many_actions_use_them()
    {
        var (_, listener, groups) = await BalancerAsync();
        await RuleAsync(listener, 1, groups[0]);
        await RuleAsync(listener, 2, groups[1]);
        await RuleAsync(listener, 3, groups[0]);

        var rules = await aws.LoadBalancing.RulesAsync(listener);
        // Rule 1 moving to a third group would leave rule 3 on the first: three groups.
        var third = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CallAsync("ModifyRule",
            ("RuleArn", rules[0].Arn), ("Actions.member.1.Type", "forward"), ("Actions.member.1.TargetGroupArn", groups[2])));
        // Rule 2 moving from the second group to a third keeps two.
        var modifiedInPlace = await aws.LoadBalancing.CallAsync("ModifyRule",
            ("RuleArn", rules[1].Arn),
            ("Actions.member.1.Type", "forward"), ("Actions.member.1.TargetGroupArn", groups[2]));

        Assert.Equal("TooManyUniqueTargetGroupsPerLoadBalancer", third.Code);
        Assert.StartsWith("You've reached the limit on the number of unique target groups per load balancer across all listeners.", third.AwsMessage);
        Assert.Equal(groups[2], modifiedInPlace.Members("Rules")[0].Members("Actions")[0].Text("TargetGroupArn"));
    }

    [Fact]
    public async Task A_stack_whose_rules_exceed_the_quota_fails_and_rolls_back_with_the_reason()
    {
        var (_, listener, groups) = await BalancerAsync();
        await RuleAsync(listener, 1, groups[0]);
        await RuleAsync(listener, 2, groups[0]);
        var template = $$"""
            Resources:
            {{string.Concat(Enumerable.Range(10, 2).Select(p => $$"""
                Rule{{p}}:
                  Type: AWS::ElasticLoadBalancingV2::ListenerRule
                  Properties:
                    ListenerArn: {{listener}}
                    Priority: {{p}}
                    Conditions: [{ Field: host-header, Values: [r{{p}}.example.com] }]
                    Actions: [{ Type: forward, TargetGroupArn: {{groups[0]}} }]

              """))}}
            """;

        var stack = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("too-many"), template);

        Assert.Equal("ROLLBACK_COMPLETE", stack.Status);
        var failure = (await aws.Stacks.EventsAsync(stack.StackId)).First(e => e.Status == "CREATE_FAILED" && e.Reason != "Resource creation cancelled");
        Assert.Contains("The maximum number of rules on load balancer", failure.Reason);
        Assert.Contains("HandlerErrorCode: ServiceLimitExceeded", failure.Reason);
        Assert.Equal(3, (await aws.LoadBalancing.RulesAsync(listener)).Count);
    }

    [Fact]
    public async Task The_certificate_list_is_added_to_described_and_removed_and_the_default_stays()
    {
        var (balancer, listener, _) = await BalancerAsync(0);

        var added = await aws.LoadBalancing.CallAsync("AddListenerCertificates", ("ListenerArn", listener), ("Certificates.member.1.CertificateArn", Acme));
        await aws.LoadBalancing.CallAsync("AddListenerCertificates", ("ListenerArn", listener), ("Certificates.member.1.CertificateArn", Acme));
        var described = await aws.LoadBalancing.CallAsync("DescribeListenerCertificates", ("ListenerArn", listener));
        var listenerShown = (await aws.LoadBalancing.CallAsync("DescribeListeners", ("ListenerArns.member.1", listener))).Members("Listeners")[0];
        var inUse = await aws.Client.JsonAsync("CertificateManager.DescribeCertificate", "acm", new() { ["CertificateArn"] = Acme });
        var removeDefault = await Assert.ThrowsAsync<AwsError>(() =>
            aws.LoadBalancing.CallAsync("RemoveListenerCertificates", ("ListenerArn", listener), ("Certificates.member.1.CertificateArn", Own)));
        await aws.LoadBalancing.CallAsync("RemoveListenerCertificates", ("ListenerArn", listener), ("Certificates.member.1.CertificateArn", Acme));
        var after = await aws.LoadBalancing.CallAsync("DescribeListenerCertificates", ("ListenerArn", listener));

        Assert.Equal([(Acme, "false")], added.Members("Certificates").Select(c => (c.Text("CertificateArn"), c.Text("IsDefault"))));
        Assert.Equal([(Own, "true"), (Acme, "false")], described.Members("Certificates").Select(c => (c.Text("CertificateArn"), c.Text("IsDefault"))));
        Assert.Equal([Own], listenerShown.Members("Certificates").Select(c => c.Text("CertificateArn")));
        Assert.Contains(balancer, inUse["Certificate"]!["InUseBy"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("OperationNotPermitted", removeDefault.Code);
        Assert.Equal([(Own, "true")], after.Members("Certificates").Select(c => (c.Text("CertificateArn"), c.Text("IsDefault"))));
    }

    [Fact]
    public async Task Listener_certificates_must_be_known_certificates_of_the_account_and_region_one_per_call_within_the_quota()
    {
        var (_, listener, _) = await BalancerAsync(0);
        Task<System.Xml.Linq.XElement> Add(params string[] arns) => aws.LoadBalancing.CallAsync("AddListenerCertificates",
            [("ListenerArn", listener), .. arns.Select((arn, i) => ($"Certificates.member.{i + 1}.CertificateArn", arn))]);

        var otherRegion = await Assert.ThrowsAsync<AwsError>(() => Add("arn:aws:acm:us-east-1:000000000000:certificate/portal-wildcard"));
        var unknown = await Assert.ThrowsAsync<AwsError>(() => Add("arn:aws:acm:eu-west-1:000000000000:certificate/nobody-seeded-this"));
        var otherAccount = await Assert.ThrowsAsync<AwsError>(() => Add("arn:aws:acm:eu-west-1:111122223333:certificate/portal-wildcard"));
        var notAnArn = await Assert.ThrowsAsync<AwsError>(() => Add("wildcard-apps"));
        var two = await Assert.ThrowsAsync<AwsError>(() => Add(Acme, Shared));
        await Add(Acme);
        await Add(Shared);
        var third = await Assert.ThrowsAsync<AwsError>(() => Add(Wildcard));
        var missing = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CallAsync("DescribeListenerCertificates", ("ListenerArn", listener + "0")));

        Assert.Equal(("CertificateNotFound", "Certificate 'arn:aws:acm:us-east-1:000000000000:certificate/portal-wildcard' not found"), (otherRegion.Code, otherRegion.AwsMessage));
        Assert.Equal(("CertificateNotFound", "Certificate 'arn:aws:acm:eu-west-1:111122223333:certificate/portal-wildcard' not found"), (otherAccount.Code, otherAccount.AwsMessage));
        Assert.Equal(400, otherAccount.Status);
        Assert.Equal(("CertificateNotFound", "Certificate 'arn:aws:acm:eu-west-1:000000000000:certificate/nobody-seeded-this' not found"), (unknown.Code, unknown.AwsMessage));
        Assert.Equal("ValidationError", notAnArn.Code);
        Assert.Equal(("TooManyCertificates", "Up to '1' certificate ARNs can be specified, but '2' were specified"), (two.Code, two.AwsMessage));
        Assert.Equal(("TooManyCertificates", "You've reached the limit on the number of certificates per load balancer."), (third.Code, third.AwsMessage));
        Assert.Equal("ListenerNotFound", missing.Code);
    }

    [Fact]
    public async Task A_listener_certificate_resource_joins_the_list_swaps_on_update_and_leaves_with_the_stack()
    {
        var (_, listener, _) = await BalancerAsync(0);
        string Template(string certificate) => $$"""
            Resources:
              Customer:
                Type: AWS::ElasticLoadBalancingV2::ListenerCertificate
                Properties:
                  ListenerArn: {{listener}}
                  Certificates: [{ CertificateArn: {{certificate}} }]
            """;
        async Task<IReadOnlyList<string>> ListAsync() => (await aws.LoadBalancing.CallAsync("DescribeListenerCertificates", ("ListenerArn", listener)))
            .Members("Certificates").Where(c => c.Text("IsDefault") == "false").Select(c => c.Text("CertificateArn")).ToList();
        var name = EmulatorFixture.UniqueName("listener-cert");

        var created = await aws.Stacks.CreateAndWaitAsync(name, Template(Acme));
        var afterCreate = await ListAsync();
        var updated = await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(name, Template(Wildcard)));
        var afterUpdate = await ListAsync();
        var unknown = await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(name, Template("arn:aws:acm:eu-west-1:000000000000:certificate/gone")));
        var afterFailure = await ListAsync();
        await aws.Stacks.DeleteAsync(name);
        await aws.Stacks.WaitAsync(created.StackId);

        Assert.Equal("CREATE_COMPLETE", created.Status);
        Assert.Equal([Acme], afterCreate);
        Assert.Equal("UPDATE_COMPLETE", updated.Status);
        Assert.Equal([Wildcard], afterUpdate);
        Assert.Equal("UPDATE_ROLLBACK_COMPLETE", unknown.Status);
        Assert.Equal([Wildcard], afterFailure);
        Assert.Empty(await ListAsync());
    }
}
