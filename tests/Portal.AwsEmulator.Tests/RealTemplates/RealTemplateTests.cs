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

        Assert.Equal(28, resources.Count);
        Assert.All(resources, r => Assert.Equal("CREATE_COMPLETE", r.Status));
        Assert.Equal($"arn:aws:cloudtrail:eu-west-1:000000000000:trail/p{platform.Name[^8..]}-trail", platform.Outputs["TrailArn"]);
        Assert.Matches(@"\.eu-west-1\.elb\.amazonaws\.com$", platform.Outputs["LoadBalancerDnsName"]);
        Assert.Equal("default", Assert.Single(rules).Priority);
        Assert.Equal(("443", "ELBSecurityPolicy-TLS13-1-2-2021-06"), (listener.Text("Port"), listener.Text("SslPolicy")));

        var updated = await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(platform.Name, PortalTemplates.Body(TemplateCatalog.Platform),
            new Dictionary<string, string>(PortalTemplates.PlatformParameters(platform.Name)) { ["SslPolicy"] = "ELBSecurityPolicy-TLS13-1-3-2021-06" }));
        var modified = (await aws.LoadBalancing.CallAsync("DescribeListeners", ("ListenerArns.member.1", settings.SharedListenerArn))).Members("Listeners")[0];
        var deleted = await Templates.DeleteAsync(updated);

        Assert.Equal("UPDATE_COMPLETE", updated.Status);
        Assert.Equal(platform.Outputs, updated.Outputs);
        Assert.Equal("ELBSecurityPolicy-TLS13-1-3-2021-06", modified.Text("SslPolicy"));
        Assert.Equal("DELETE_COMPLETE", deleted.Status);
        var skipped = (await aws.Stacks.EventsAsync(platform.StackId)).Where(e => e.Status == "DELETE_SKIPPED").Select(e => e.LogicalId).Order();
        Assert.Equal(["ArtifactBucket", "TrailBucket"], skipped);
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
        });

        Assert.Equal("CREATE_COMPLETE", stack.Status);
        Assert.Equal("vpc-0123456789abcdef0", stack.Outputs["VpcId"]);
        Assert.Equal("subnet-0000000000000001a,subnet-0000000000000001b", stack.Outputs["PrivateSubnetIds"]);
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
        Assert.Equal("https://web-dev.acme.apps.example.com", software.Outputs["SiteUrl"]);
        var secret = JsonNode.Parse(await aws.Secrets.ValueAsync(software.Outputs["DatabaseSecretArn"]))!;
        Assert.Equal("portaladmin", secret["username"]!.GetValue<string>());
        Assert.Equal("5432", software.Outputs["DatabasePort"]);
        var rule = Assert.Single(await aws.LoadBalancing.RulesAsync(settings.SharedListenerArn), r => r.Priority == "10");
        Assert.Equal(software.Outputs["ListenerRuleArn"], rule.Arn);
        var health = (await aws.LoadBalancing.CallAsync("DescribeTargetHealth", ("TargetGroupArn", software.Outputs["TargetGroupArn"]))).Members("TargetHealthDescriptions");
        Assert.Equal("healthy", Assert.Single(health).Child("TargetHealth").Text("State"));
        Assert.Equal(software.Outputs["PipelineName"], plan.Software.Parameter("PipelineName"));
        Assert.Equal(infrastructure.Outputs["InfrastructurePipelineName"], plan.Infrastructure.Parameter("PipelineName"));

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
        Assert.Equal("3306", software.Outputs["DatabasePort"]);
        Assert.Equal(style == DeploymentStyle.Zonal, (await aws.Stacks.ResourcesAsync(software.StackId)).Any(r => r.LogicalId == "ZonalDeploymentConfig"));
        Assert.Contains(await aws.LoadBalancing.RulesAsync(settings.SharedListenerArn), r => r.Arn == software.Outputs["ListenerRuleArn"] && r.Priority == "30");
    }

    private static Host Resized(Host host)
    {
        host.Plan = "medium";
        return host;
    }
}
