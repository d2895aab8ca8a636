using System.Text.Json.Nodes;
using Portal.AwsEmulator.Tests.Calls;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.AwsEmulator.Tests.RealTemplates;

/// <summary>
/// The repository's own templates (platform, host infrastructure, host software) with the parameters the portal
/// renders: every resource they use creates, updates and deletes, and the outputs are what the portal reads.
/// </summary>
public sealed class RealTemplateTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private PortalTemplates Templates => new(aws.Stacks);

    [Fact]
    public async Task The_platform_stack_creates_network_key_buckets_load_balancer_and_trail_and_updates_and_deletes()
    {
        var (platform, settings) = await Templates.CreatePlatformAsync(EmulatorFixture.UniqueName("platform"));

        var resources = await aws.Stacks.ResourcesAsync(platform.StackId);
        var rules = await aws.LoadBalancing.RulesAsync(settings.SharedListenerArn);
        var listener = (await aws.LoadBalancing.CallAsync("DescribeListeners", ("ListenerArns.member.1", settings.SharedListenerArn))).Members("Listeners")[0];

        Assert.Equal(34, resources.Count);
        Assert.All(resources, r => Assert.Equal("CREATE_COMPLETE", r.Status));
        Assert.Equal($"arn:aws:cloudtrail:eu-west-1:000000000000:trail/p{platform.Name[^8..]}-trail", platform.Outputs["TrailArn"]);
        Assert.Matches(@"\.eu-west-1\.elb\.amazonaws\.com$", platform.Outputs["LoadBalancerDnsName"]);
        Assert.Equal("default", Assert.Single(rules).Priority);
        Assert.Equal(("443", "ELBSecurityPolicy-TLS13-1-2-2021-06"), (listener.Text("Port"), listener.Text("SslPolicy")));

        // The shared load balancer is deletion-protected until an update lifts it; the platform is then deleted.
        var updated = await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(platform.Name, PortalTemplates.Body(TemplateCatalog.Platform),
            new Dictionary<string, string>(PortalTemplates.PlatformParameters(platform.Name))
            {
                ["SslPolicy"] = "ELBSecurityPolicy-TLS13-1-3-2021-06",
                ["LoadBalancerDeletionProtection"] = "false",
            }, PortalTemplates.PlatformCapabilities));
        var modified = (await aws.LoadBalancing.CallAsync("DescribeListeners", ("ListenerArns.member.1", settings.SharedListenerArn))).Members("Listeners")[0];
        var deleted = await Templates.DeleteAsync(updated);

        Assert.Equal("UPDATE_COMPLETE", updated.Status);
        Assert.Equal(platform.Outputs, updated.Outputs);
        Assert.Equal("ELBSecurityPolicy-TLS13-1-3-2021-06", modified.Text("SslPolicy"));
        Assert.Equal("DELETE_COMPLETE", deleted.Status);
        var skipped = (await aws.Stacks.EventsAsync(platform.StackId)).Where(e => e.Status == "DELETE_SKIPPED").Select(e => e.LogicalId).Order();
        Assert.Equal(["AccessLogBucket", "ArtifactBucket", "PlatformKey", "TrailBucket", "TrailLogGroup"], skipped);
    }

    [Fact]
    public async Task The_platform_stack_can_use_an_existing_network()
    {
        var name = EmulatorFixture.UniqueName("existing-network");
        var stack = await aws.Stacks.CreateAndWaitAsync(name, PortalTemplates.Body(TemplateCatalog.Platform), new Dictionary<string, string>(PortalTemplates.PlatformParameters(name))
        {
            ["CreateNetwork"] = "false",
            ["ExistingVpcId"] = "vpc-0123456789abcdef0",
            ["ExistingPublicSubnetIds"] = "subnet-0000000000000000a,subnet-0000000000000000b",
            ["ExistingPrivateSubnetIds"] = "subnet-0000000000000001a,subnet-0000000000000001b",
            ["ExistingPrivateSubnetAvailabilityZones"] = "eu-west-1a,eu-west-1b",
        }, PortalTemplates.PlatformCapabilities);

        Assert.Equal("CREATE_COMPLETE", stack.Status);
        Assert.Equal("vpc-0123456789abcdef0", stack.Outputs["VpcId"]);
        Assert.Equal("subnet-0000000000000001a,subnet-0000000000000001b", stack.Outputs["PrivateSubnetIds"]);
        Assert.Equal("eu-west-1a,eu-west-1b", stack.Outputs["PrivateSubnetAvailabilityZones"]);
        Assert.DoesNotContain(await aws.Stacks.ResourcesAsync(stack.StackId), r => r.Type.StartsWith("AWS::EC2::Subnet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dev_order_is_provisioned_released_updated_and_decommissioned()
    {
        var (_, settings) = await Templates.CreatePlatformAsync(EmulatorFixture.UniqueName("platform"));
        var renderer = PortalTemplates.Renderer(settings);
        var order = PortalTemplates.Order(EnvironmentKind.Dev, "acme");
        var plan = renderer.Render(order, listenerPriority: 10);

        var infrastructure = await Templates.DeployAsync(plan.Infrastructure);
        var software = await Templates.DeployAsync(plan.Software);

        Assert.Equal("CREATE_COMPLETE", infrastructure.Status);
        Assert.Equal("CREATE_COMPLETE", software.Status);
        Assert.Equal("https://web-dev--acme.apps.example.com", software.Outputs["SiteUrl"]);
        var secret = JsonNode.Parse(await aws.Secrets.ValueAsync(software.Outputs["DatabaseSecretArn"]))!;
        Assert.Equal("portaladmin", secret["username"]!.GetValue<string>());
        Assert.Equal("5433", software.Outputs["DatabasePort"]);
        var rule = Assert.Single(await aws.LoadBalancing.RulesAsync(settings.SharedListenerArn), r => r.Priority == "10");
        Assert.Equal(software.Outputs["ListenerRuleArn"], rule.Arn);
        var health = (await aws.LoadBalancing.CallAsync("DescribeTargetHealth", ("TargetGroupArn", software.Outputs["TargetGroupArn"]))).Members("TargetHealthDescriptions");
        Assert.Equal("healthy", Assert.Single(health).Child("TargetHealth").Text("State"));
        Assert.Equal(software.Outputs["PipelineName"], plan.Software.Parameter("PipelineName"));
        Assert.Equal(infrastructure.Outputs["InfrastructurePipelineName"], plan.Infrastructure.Parameter("PipelineName"));

        await aws.S3.PutZipAsync(settings.ArtifactBucket, plan.Software.Parameter("SoftwareSourceKey")!, S3Calls.SoftwareSource);
        var release = await aws.Pipelines.StartAsync(software.Outputs["PipelineName"], new Dictionary<string, string> { ["CommitId"] = "a1b2c3", ["Branch"] = "dev", ["Author"] = "dev@acme.example" });
        var released = await aws.Pipelines.WaitForStatusAsync(software.Outputs["PipelineName"], release, "Succeeded");
        Assert.Equal(["Source", "Build", "Deploy"], (await aws.Pipelines.StateAsync(software.Outputs["PipelineName"]))["stageStates"]!.AsArray().Select(s => s!["stageName"]!.GetValue<string>()));
        Assert.Contains(released["variables"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "Message" && v["resolvedValue"]!.GetValue<string>() == "none");

        var resized = renderer.RenderSoftware(order with { Host = Resized(order.Host) }, listenerPriority: 10, amiId: "ami-0123456789abcdef1");
        var updated = await Templates.DeployAsync(resized, update: true);
        Assert.Equal("UPDATE_COMPLETE", updated.Status);
        Assert.Equal(rule.Arn, updated.Outputs["ListenerRuleArn"]);
        Assert.Equal(2, (await aws.LoadBalancing.CallAsync("DescribeTargetHealth", ("TargetGroupArn", updated.Outputs["TargetGroupArn"]))).Members("TargetHealthDescriptions").Count);

        Assert.Equal("DELETE_COMPLETE", (await Templates.DeleteAsync(updated)).Status);
        Assert.Equal("DELETE_COMPLETE", (await Templates.DeleteAsync(infrastructure)).Status);
        Assert.DoesNotContain(await aws.LoadBalancing.RulesAsync(settings.SharedListenerArn), r => r.Priority == "10");
        Assert.Equal("ResourceNotFoundException", (await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.GetAsync(software.Outputs["DatabaseSecretArn"]))).Code);
    }

    [Fact]
    public async Task A_production_order_with_a_custom_domain_gets_a_dedicated_load_balancer_and_an_approval_and_is_decommissioned()
    {
        var (_, settings) = await Templates.CreatePlatformAsync(EmulatorFixture.UniqueName("platform"));
        var renderer = PortalTemplates.Renderer(settings);
        var order = PortalTemplates.Order(EnvironmentKind.Production, "globex", change: host => PortalTemplates.CustomDomain(host));
        var plan = renderer.Render(order, listenerPriority: 20);

        await Templates.DeployAsync(plan.Infrastructure);
        var software = await Templates.DeployAsync(plan.Software);

        Assert.Equal("CREATE_COMPLETE", software.Status);
        Assert.Equal("https://www.acme.example", software.Outputs["SiteUrl"]);
        Assert.Matches(@"\.elb\.amazonaws\.com$", software.Outputs["DedicatedLoadBalancerDnsName"]);
        Assert.DoesNotContain(await aws.LoadBalancing.RulesAsync(settings.SharedListenerArn), r => r.Priority == "20");
        var subscriptions = (await aws.Stacks.ResourcesAsync(software.StackId)).Where(r => r.Type == "AWS::SNS::Subscription").ToList();
        Assert.Equal(2, subscriptions.Count);

        var pipeline = software.Outputs["PipelineName"];
        await aws.S3.PutZipAsync(settings.ArtifactBucket, plan.Software.Parameter("SoftwareSourceKey")!, S3Calls.SoftwareSource);
        var release = await aws.Pipelines.StartAsync(pipeline, new Dictionary<string, string> { ["CommitId"] = "f00d", ["Branch"] = "main" }, token: "push-f00d");
        var token = await aws.Pipelines.ApprovalTokenAsync(pipeline, release);
        Assert.Equal("Approval", (await aws.Pipelines.StateAsync(pipeline))["stageStates"]![2]!["stageName"]!.GetValue<string>());
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "globex-approve", token, approve: true, "release approved");
        Assert.Equal("Succeeded", (await aws.Pipelines.WaitForStatusAsync(pipeline, release, "Succeeded"))["status"]!.GetValue<string>());

        // Decommissioning lifts the production database's deletion protection first; a DELETE_FAILED stack could not be updated any more.
        var decommission = renderer.RenderSoftware(order, listenerPriority: 20, purpose: StackPurpose.Decommission);
        Assert.Equal("UPDATE_COMPLETE", (await Templates.DeployAsync(decommission, update: true)).Status);
        Assert.Equal("DELETE_COMPLETE", (await Templates.DeleteAsync(software)).Status);
    }

    [Theory]
    [InlineData(DeploymentStyle.BlueGreen, "initech")]
    [InlineData(DeploymentStyle.Zonal, "umbrella")]
    public async Task Production_deployment_styles_create_their_deployment_resources(DeploymentStyle style, string customer)
    {
        var (_, settings) = await Templates.CreatePlatformAsync(EmulatorFixture.UniqueName("platform"));
        var order = PortalTemplates.Order(EnvironmentKind.Production, customer, change: host =>
        {
            host.DeploymentStyle = style;
            host.Database.Engine = "mysql";
        });

        var software = await Templates.DeployAsync(PortalTemplates.Renderer(settings).RenderSoftware(order, listenerPriority: 30));

        Assert.Equal("CREATE_COMPLETE", software.Status);
        Assert.Equal("3307", software.Outputs["DatabasePort"]);
        var resources = await aws.Stacks.ResourcesAsync(software.StackId);
        Assert.Equal(style == DeploymentStyle.Zonal, resources.Any(r => r.LogicalId == "ZonalDeploymentConfig"));
        Assert.Equal(style == DeploymentStyle.Zonal ? 2 : 0, resources.Count(r => r.Type == "AWS::CloudWatch::Alarm"));
        Assert.Equal(style == DeploymentStyle.BlueGreen ? 2 : 1, resources.Count(r => r.Type == "AWS::AutoScaling::AutoScalingGroup"));
        Assert.Equal(style == DeploymentStyle.BlueGreen ? 2 : 1, resources.Count(r => r.Type == "AWS::CodeDeploy::DeploymentGroup"));
        Assert.Contains(await aws.LoadBalancing.RulesAsync(settings.SharedListenerArn), r => r.Arn == software.Outputs["ListenerRuleArn"] && r.Priority == "30");
    }

    [Fact]
    public async Task Blue_green_switches_traffic_by_a_stack_update_and_CloudFormation_keeps_both_sides()
    {
        var (_, settings) = await Templates.CreatePlatformAsync(EmulatorFixture.UniqueName("platform"));
        var renderer = PortalTemplates.Renderer(settings);
        var order = PortalTemplates.Order(EnvironmentKind.Production, "hooli", change: BlueGreenWithoutDatabase) with { ReleaseDeployed = true };

        var blue = await Templates.DeployAsync(renderer.RenderSoftware(order, listenerPriority: 40));
        var before = await aws.Stacks.ResourcesAsync(blue.StackId);
        Assert.Equal("CREATE_COMPLETE", blue.Status);
        Assert.EndsWith("-deploy-green", blue.Outputs["DeploymentGroupName"]);
        Assert.Equal([100, 0], await WeightsAsync(settings.SharedListenerArn, 40));

        var green = await Templates.DeployAsync(renderer.RenderSoftware(order with { LiveColour = LiveColour.Green }, listenerPriority: 40), update: true);
        var after = await aws.Stacks.ResourcesAsync(green.StackId);

        Assert.Equal("UPDATE_COMPLETE", green.Status);
        Assert.Equal([0, 100], await WeightsAsync(settings.SharedListenerArn, 40));
        Assert.EndsWith("-deploy", green.Outputs["DeploymentGroupName"]);
        // The same two Auto Scaling groups, still the stack's: nothing was copied or deleted outside CloudFormation.
        Assert.Equal(PhysicalIds(before, "AWS::AutoScaling::AutoScalingGroup"), PhysicalIds(after, "AWS::AutoScaling::AutoScalingGroup"));
        Assert.Equal(2, PhysicalIds(after, "AWS::AutoScaling::AutoScalingGroup").Count);
        Assert.Equal(green.Outputs["AutoScalingGroupName"], after.Single(r => r.LogicalId == "GreenAutoScalingGroup").PhysicalId);
    }

    [Fact]
    public async Task A_custom_domain_is_added_and_dropped_by_clean_updates_and_its_load_balancer_refuses_deletion_while_protected()
    {
        var (_, settings) = await Templates.CreatePlatformAsync(EmulatorFixture.UniqueName("platform"));
        var renderer = PortalTemplates.Renderer(settings);
        var shared = PortalTemplates.Order(EnvironmentKind.Production, "pied", change: host => host.Database.Engine = "none");
        var custom = PortalTemplates.Order(EnvironmentKind.Production, "pied", change: host =>
        {
            host.Database.Engine = "none";
            PortalTemplates.CustomDomain(host);
        });

        var created = await Templates.DeployAsync(renderer.RenderSoftware(shared, listenerPriority: 50));
        var added = await Templates.DeployAsync(renderer.RenderSoftware(custom, listenerPriority: 50), update: true);

        Assert.Equal("UPDATE_COMPLETE", added.Status);
        Assert.Equal("https://www.acme.example", added.Outputs["SiteUrl"]);
        Assert.DoesNotContain(await aws.LoadBalancing.RulesAsync(settings.SharedListenerArn), r => r.Priority == "50");
        Assert.NotEqual(created.Outputs["TargetGroupArn"], added.Outputs["TargetGroupArn"]);

        // Without lifting the protection first, the load balancer cannot be deleted.
        Assert.Contains("cannot be deleted because deletion protection is enabled", await DeleteRefusedAsync(renderer));

        var lifted = await Templates.DeployAsync(renderer.RenderSoftware(custom, listenerPriority: 50, purpose: StackPurpose.DropCustomDomain), update: true);
        var dropped = await Templates.DeployAsync(renderer.RenderSoftware(shared, listenerPriority: 50), update: true);

        Assert.Equal("UPDATE_COMPLETE", lifted.Status);
        Assert.Equal("UPDATE_COMPLETE", dropped.Status);
        Assert.Contains(await aws.LoadBalancing.RulesAsync(settings.SharedListenerArn), r => r.Priority == "50" && r.Arn == dropped.Outputs["ListenerRuleArn"]);
        Assert.Equal("DELETE_COMPLETE", (await Templates.DeleteAsync(dropped)).Status);
    }

    [Fact]
    public async Task Host_names_get_an_alias_record_in_the_platforms_hosted_zone()
    {
        var (_, settings) = await Templates.CreatePlatformAsync(EmulatorFixture.UniqueName("platform"));

        var software = await Templates.DeployAsync(PortalTemplates.Renderer(settings).RenderSoftware(
            PortalTemplates.Order(EnvironmentKind.Staging, "dunder", change: host => host.Database.Engine = "none"), listenerPriority: 60));

        var record = Assert.Single(await aws.Stacks.ResourcesAsync(software.StackId), r => r.Type == "AWS::Route53::RecordSet");
        Assert.Equal("web-staging--dunder.apps.example.com", record.PhysicalId);
        Assert.Equal(record.PhysicalId, software.Outputs["HostRecordName"]);
    }

    /// <summary>Deletes a production stack with a custom domain whose protection was never lifted: the load balancer's refusal.</summary>
    private async Task<string> DeleteRefusedAsync(HostStackRenderer renderer)
    {
        var order = PortalTemplates.Order(EnvironmentKind.Production, "protected", change: host =>
        {
            host.Database.Engine = "none";
            PortalTemplates.CustomDomain(host);
        });
        var stack = await Templates.DeployAsync(renderer.RenderSoftware(order, listenerPriority: 51));
        Assert.Equal("CREATE_COMPLETE", stack.Status);
        Assert.Equal("DELETE_FAILED", (await Templates.DeleteAsync(stack)).Status);
        return (await aws.Stacks.EventsAsync(stack.StackId)).First(e => e.LogicalId == "DedicatedLoadBalancer" && e.Status == "DELETE_FAILED").Reason ?? "";
    }

    private async Task<List<int>> WeightsAsync(string listenerArn, int priority)
    {
        var rules = (await aws.LoadBalancing.CallAsync("DescribeRules", ("ListenerArn", listenerArn))).Members("Rules");
        var rule = rules.Single(r => r.Text("Priority") == priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return rule.Members("Actions")[0].Child("ForwardConfig").Members("TargetGroups").Select(t => int.Parse(t.Text("Weight"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    private static List<string?> PhysicalIds(IReadOnlyList<ResourceView> resources, string type) =>
        resources.Where(r => r.Type == type).OrderBy(r => r.LogicalId, StringComparer.Ordinal).Select(r => r.PhysicalId).ToList();

    private static void BlueGreenWithoutDatabase(Host host)
    {
        host.DeploymentStyle = DeploymentStyle.BlueGreen;
        host.Database.Engine = "none";
    }

    private static Host Resized(Host host)
    {
        host.Plan = "medium";
        return host;
    }
}
