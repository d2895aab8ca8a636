using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Services;

/// <summary>Listeners and rules from stacks, from seeding and from the ELBv2 API share one model: priorities are unique per listener.</summary>
public sealed class LoadBalancingTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private const string Listener = EmulatorFixture.SharedListenerArn;

    private static string RuleStack(int priority, string host) => $$"""
        Resources:
          Targets: { Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: { Port: 8080, Protocol: HTTP, VpcId: vpc-0123456789abcdef0 } }
          Rule:
            Type: AWS::ElasticLoadBalancingV2::ListenerRule
            Properties:
              ListenerArn: {{Listener}}
              Priority: {{priority}}
              Conditions: [{ Field: host-header, HostHeaderConfig: { Values: [{{host}}] } }]
              Actions: [{ Type: forward, TargetGroupArn: !Ref Targets }]
        Outputs:
          Rule: { Value: !Ref Rule }
          Targets: { Value: !Ref Targets }
        """;

    [Fact]
    public async Task The_configured_shared_listener_answers_with_its_default_rule()
    {
        var listeners = await aws.LoadBalancing.CallAsync("DescribeListeners", ("ListenerArns.member.1", Listener));
        var rules = await aws.LoadBalancing.CallAsync("DescribeRules", ("ListenerArn", Listener));
        var missing = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CallAsync("DescribeListeners", ("ListenerArns.member.1", Listener + "0")));

        var listener = Assert.Single(listeners.Members("Listeners"));
        Assert.Equal(("443", "HTTPS"), (listener.Text("Port"), listener.Text("Protocol")));
        var defaultRule = rules.Members("Rules").Single(r => r.Text("IsDefault") == "true");
        Assert.Equal("default", defaultRule.Text("Priority"));
        Assert.Equal("503", defaultRule.Members("Actions")[0].Child("FixedResponseConfig").Text("StatusCode"));
        Assert.Equal(("ListenerNotFound", "One or more listeners not found"), (missing.Code, missing.AwsMessage));
    }

    [Fact]
    public async Task A_stack_rule_at_a_priority_in_use_on_the_listener_fails_and_rolls_back()
    {
        var first = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("rule-a"), RuleStack(5, "a.example.com"));
        var second = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("rule-b"), RuleStack(5, "b.example.com"));

        Assert.Equal("CREATE_COMPLETE", first.Status);
        Assert.Equal("ROLLBACK_COMPLETE", second.Status);
        var failure = (await aws.Stacks.EventsAsync(second.StackId)).Single(e => e.LogicalId == "Rule" && e.Status == "CREATE_FAILED");
        Assert.Contains("Priority '5' is currently in use (Service: ElasticLoadBalancingV2, Status Code: 400", failure.Reason);
        Assert.Contains("HandlerErrorCode: AlreadyExists", failure.Reason);
        var atFive = (await aws.LoadBalancing.RulesAsync(Listener)).Where(r => r.Priority == "5").ToList();
        Assert.Equal(first.Outputs["Rule"], Assert.Single(atFive).Arn);
    }

    [Fact]
    public async Task Rules_are_created_modified_reprioritised_and_deleted_through_the_api()
    {
        var stack = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("rules"), RuleStack(100, "api.example.com"));
        var targets = stack.Outputs["Targets"];

        var created = (await aws.LoadBalancing.CreateHostRuleAsync(Listener, 101, "one.example.com", targets)).Members("Rules")[0];
        var taken = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CreateHostRuleAsync(Listener, 101, "two.example.com", targets));
        var modified = (await aws.LoadBalancing.CallAsync("ModifyRule", ("RuleArn", created.Text("RuleArn")),
            ("Conditions.member.1.Field", "path-pattern"), ("Conditions.member.1.PathPatternConfig.Values.member.1", "/api/*"))).Members("Rules")[0];
        var swapped = await aws.LoadBalancing.CallAsync("SetRulePriorities",
            ("RulePriorities.member.1.RuleArn", created.Text("RuleArn")), ("RulePriorities.member.1.Priority", "100"),
            ("RulePriorities.member.2.RuleArn", stack.Outputs["Rule"]), ("RulePriorities.member.2.Priority", "101"));
        var clash = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CallAsync("SetRulePriorities",
            ("RulePriorities.member.1.RuleArn", created.Text("RuleArn")), ("RulePriorities.member.1.Priority", "101")));
        var defaultArn = (await aws.LoadBalancing.RulesAsync(Listener)).Single(r => r.IsDefault).Arn;
        var deleteDefault = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CallAsync("DeleteRule", ("RuleArn", defaultArn)));
        await aws.LoadBalancing.CallAsync("DeleteRule", ("RuleArn", created.Text("RuleArn")));
        var deletedAgain = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CallAsync("DeleteRule", ("RuleArn", created.Text("RuleArn"))));

        Assert.Equal("101", created.Text("Priority"));
        Assert.Equal(("PriorityInUse", "Priority '101' is currently in use"), (taken.Code, taken.AwsMessage));
        Assert.Equal("/api/*", modified.Members("Conditions")[0].Child("PathPatternConfig").Members("Values")[0].Value);
        Assert.Equal(["100", "101"], swapped.Members("Rules").Select(r => r.Text("Priority")));
        Assert.Equal("PriorityInUse", clash.Code);
        Assert.Equal("OperationNotPermitted", deleteDefault.Code);
        Assert.Equal("RuleNotFound", deletedAgain.Code);
        Assert.Equal("101", (await aws.LoadBalancing.RulesAsync(Listener)).Single(r => r.Arn == stack.Outputs["Rule"]).Priority);
    }

    [Fact]
    public async Task Target_health_reports_the_instances_of_the_auto_scaling_group_healthy_once_a_rule_forwards_to_them()
    {
        var name = EmulatorFixture.UniqueName("health");
        const string group = """
            Resources:
              Targets: { Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: { Port: 80, Protocol: HTTP, VpcId: vpc-0123456789abcdef0 } }
              Group: { Type: AWS::AutoScaling::AutoScalingGroup, Properties: { MinSize: "1", MaxSize: "4", DesiredCapacity: "3", TargetGroupARNs: [!Ref Targets] } }
            Outputs:
              Targets: { Value: !Ref Targets }
            """;
        var stack = await aws.Stacks.CreateAndWaitAsync(name, group);
        var targets = stack.Outputs["Targets"];

        var unused = (await aws.LoadBalancing.CallAsync("DescribeTargetHealth", ("TargetGroupArn", targets))).Members("TargetHealthDescriptions");
        await aws.LoadBalancing.CreateHostRuleAsync(Listener, 300, "health.example.com", targets);
        var healthy = (await aws.LoadBalancing.CallAsync("DescribeTargetHealth", ("TargetGroupArn", targets))).Members("TargetHealthDescriptions");
        var missing = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CallAsync("DescribeTargetHealth", ("TargetGroupArn", targets + "0")));

        Assert.Equal(3, unused.Count);
        Assert.All(unused, t => Assert.Equal(("unused", "Target.NotInUse"), (t.Child("TargetHealth").Text("State"), t.Child("TargetHealth").Text("Reason"))));
        Assert.All(healthy, t => Assert.Equal("healthy", t.Child("TargetHealth").Text("State")));
        Assert.All(healthy, t => Assert.Matches("^i-[0-9a-f]{17}$", t.Child("Target").Text("Id")));
        Assert.Equal("TargetGroupNotFound", missing.Code);
    }

    [Fact]
    public async Task A_stacks_own_load_balancer_and_listeners_join_the_model_and_leave_with_the_stack()
    {
        var name = EmulatorFixture.UniqueName("alb");
        const string template = """
            Resources:
              Balancer: { Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: { Subnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1] } }
              Targets: { Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: { Port: 80, Protocol: HTTP, VpcId: vpc-0123456789abcdef0 } }
              Https:
                Type: AWS::ElasticLoadBalancingV2::Listener
                Properties:
                  LoadBalancerArn: !Ref Balancer
                  Port: 443
                  Protocol: HTTPS
                  Certificates: [{ CertificateArn: arn:aws:acm:eu-west-1:000000000000:certificate/own }]
                  DefaultActions: [{ Type: fixed-response, FixedResponseConfig: { StatusCode: "503", ContentType: text/plain, MessageBody: host not found } }]
              Rule:
                Type: AWS::ElasticLoadBalancingV2::ListenerRule
                Properties:
                  ListenerArn: !Ref Https
                  Priority: 1
                  Conditions: [{ Field: host-header, Values: [www.example.com] }]
                  Actions: [{ Type: forward, TargetGroupArn: !Ref Targets }]
            Outputs:
              Balancer: { Value: !Ref Balancer }
              Dns: { Value: !GetAtt Balancer.DNSName }
              Zone: { Value: !GetAtt Balancer.CanonicalHostedZoneID }
              Listener: { Value: !GetAtt Https.ListenerArn }
            """;
        var stack = await aws.Stacks.CreateAndWaitAsync(name, template);

        var listeners = await aws.LoadBalancing.CallAsync("DescribeListeners", ("LoadBalancerArn", stack.Outputs["Balancer"]));
        var rules = await aws.LoadBalancing.RulesAsync(stack.Outputs["Listener"]);
        var targets = (await aws.Stacks.ResourcesAsync(name)).Single(r => r.LogicalId == "Targets").PhysicalId!;
        var sharedTarget = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CreateHostRuleAsync(Listener, 400, "x.example.com", targets));
        await aws.Stacks.DeleteAsync(name);
        await aws.Stacks.WaitAsync(stack.StackId);
        var gone = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CallAsync("DescribeListeners", ("LoadBalancerArn", stack.Outputs["Balancer"])));

        Assert.Equal("CREATE_COMPLETE", stack.Status);
        Assert.Matches(@"^arn:aws:elasticloadbalancing:eu-west-1:000000000000:loadbalancer/app/[^/]+/[0-9a-f]{16}$", stack.Outputs["Balancer"]);
        Assert.Matches(@"\.eu-west-1\.elb\.amazonaws\.com$", stack.Outputs["Dns"]);
        Assert.Equal("Z32O12XQLNTSW2", stack.Outputs["Zone"]);
        Assert.Equal(stack.Outputs["Listener"], Assert.Single(listeners.Members("Listeners")).Text("ListenerArn"));
        Assert.Equal(["1", "default"], rules.Select(r => r.Priority));
        Assert.Equal("TargetGroupAssociationLimit", sharedTarget.Code);
        Assert.Equal("LoadBalancerNotFound", gone.Code);
    }

    [Fact]
    public async Task Listeners_can_be_seeded_through_the_admin_endpoint_in_the_region_their_arn_names()
    {
        const string arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/other/0123456789abcdef/fedcba9876543210";
        await aws.Emulator.SeedListenerAsync(new SeedListener { ListenerArn = arn, Port = 8443, Protocol = "HTTPS", CertificateArns = ["arn:aws:acm:us-west-2:123456789012:certificate/x"] });
        using var oregon = new AwsClient(aws.Emulator.BaseUrl, "us-west-2");

        var listeners = await new LoadBalancingCalls(oregon).CallAsync("DescribeListeners", ("ListenerArns.member.1", arn));
        var elsewhere = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.CallAsync("DescribeListeners", ("ListenerArns.member.1", arn)));

        Assert.Equal("8443", Assert.Single(listeners.Members("Listeners")).Text("Port"));
        Assert.Equal("arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/other/0123456789abcdef", listeners.Members("Listeners")[0].Text("LoadBalancerArn"));
        Assert.Equal("ListenerNotFound", elsewhere.Code);
    }
}
