using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Portal.Data.Entities;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Tests;

public class RenderingTests
{
    private static readonly Regex StackNamePattern = new("^[A-Za-z][-A-Za-z0-9]*$");

    [Fact]
    public void Stack_names_follow_the_portal_pattern_and_are_the_same_on_every_render()
    {
        var first = RenderInputs.Renderer().Render(RenderInputs.Order(EnvironmentKind.Dev), listenerPriority: 10);
        var again = RenderInputs.Renderer().Render(RenderInputs.Order(EnvironmentKind.Dev), listenerPriority: 10);

        var key = RenderInputs.Host().ResourceKey;
        Assert.Equal($"portal-acme-web-dev-{key}-infra", first.Infrastructure.StackName);
        Assert.Equal($"portal-acme-web-dev-{key}-app", first.Software.StackName);
        Assert.Equal(first.Infrastructure.StackName, again.Infrastructure.StackName);
        Assert.Equal(first.Software.StackName, again.Software.StackName);
        Assert.Equal($"{key}-dev-app-acme-web", first.Software.Parameter("PipelineName"));
        Assert.Equal($"{key}-dev-infra-acme-web", first.Infrastructure.Parameter("PipelineName"));
        Assert.Equal($"acme-web-dev-{key}", first.Software.Parameter("ResourceName"));
        Assert.Equal("web-dev--acme.apps.example.com", first.Software.Parameter("HostDomain"));
    }

    [Theory]
    [InlineData("Acme", "web")]
    [InlineData("acme", "web_site")]
    [InlineData("acme", "a-host-name-that-is-longer-than-forty-chars")]
    public void Orders_whose_names_the_templates_would_refuse_are_refused_before_rendering(string customer, string host)
    {
        var error = Assert.Throws<ArgumentException>(() => RenderInputs.Renderer().Render(RenderInputs.Order(EnvironmentKind.Dev, RenderInputs.Host(host), customer), 10));

        Assert.Contains("1-40 lower-case letters", error.Message);
    }

    [Fact]
    public void The_renderer_and_the_templates_agree_on_the_name_pattern()
    {
        foreach (var template in new[] { TemplateCatalog.HostInfrastructure, TemplateCatalog.HostSoftware })
        {
            var parameters = (Dictionary<string, object?>)CloudFormationYaml.Parse(RenderInputs.Catalog.GetBody(template))["Parameters"]!;
            foreach (var name in new[] { "CustomerSlug", "HostName" })
                Assert.Equal(HostEnvironmentOrder.NamePattern, ((Dictionary<string, object?>)parameters[name]!)["AllowedPattern"]);
        }
    }

    [Fact]
    public void Both_stacks_carry_the_portal_tags()
    {
        var plan = RenderInputs.Renderer().Render(RenderInputs.Order(EnvironmentKind.Production), 11);

        foreach (var stack in new[] { plan.Infrastructure, plan.Software })
        {
            Assert.Equal("acme", stack.Tag("portal:customer"));
            Assert.Equal("web", stack.Tag("portal:host"));
            Assert.Equal("production", stack.Tag("portal:environment"));
        }
    }

    [Fact]
    public void The_hash_changes_when_the_order_changes_and_only_then()
    {
        static string SoftwareHash(Action<Host> change, int priority = 10)
        {
            var host = RenderInputs.Host();
            change(host);
            return RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Production, host), priority).TemplateHash;
        }

        var original = SoftwareHash(_ => { });

        Assert.Matches("^[0-9a-f]{64}$", original);
        Assert.Equal(original, SoftwareHash(_ => { }));
        Assert.Equal(original, SoftwareHash(h => h.RequiredApprovals = 1)); // not part of any stack
        Assert.NotEqual(original, SoftwareHash(h => h.Plan = "medium"));
        Assert.NotEqual(original, SoftwareHash(h => h.HealthCheckPath = "/ready"));
        Assert.NotEqual(original, SoftwareHash(h => h.Database.MultiAz = true));
        Assert.NotEqual(original, SoftwareHash(h => h.ApproverEmails.Add("qa@acme.example")));
        Assert.NotEqual(original, SoftwareHash(_ => { }, priority: 11));
    }

    [Fact]
    public void Plans_give_the_fleet_and_the_order_gives_the_database()
    {
        var host = RenderInputs.Host(plan: "large");
        host.Database = new DatabaseOptions { Engine = "mysql", InstanceClass = "db.r6g.large", AllocatedStorageGb = 100, MultiAz = true };

        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Staging, host), 12);

        Assert.Equal("m6i.large", stack.Parameter("InstanceType"));
        Assert.Equal("2", stack.Parameter("MinInstances"));
        Assert.Equal("8", stack.Parameter("MaxInstances"));
        Assert.Equal("mysql", stack.Parameter("DatabaseEngine"));
        Assert.Equal("db.r6g.large", stack.Parameter("DatabaseInstanceClass"));
        Assert.Equal("100", stack.Parameter("DatabaseStorageGb"));
        Assert.Equal("true", stack.Parameter("DatabaseMultiAz"));
        Assert.Equal("/health", stack.Parameter("HealthCheckPath"));
        Assert.Equal("12", stack.Parameter("ListenerPriority"));
    }

    [Fact]
    public void Only_production_gets_the_approval_stage_and_the_approvers()
    {
        var renderer = RenderInputs.Renderer();
        var dev = renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev), 10);
        var production = renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Production), 11);

        Assert.Equal(["Source", "Build", "Deploy"], PipelineStages(dev));
        Assert.Equal(["Source", "Build", "Approval", "Deploy"], PipelineStages(production));
        Assert.Equal("", dev.Parameter("ApproverEmail1"));
        Assert.Equal("ops@acme.example", production.Parameter("ApproverEmail1"));
        Assert.Equal("cto@acme.example", production.Parameter("ApproverEmail2"));
        Assert.Equal("", production.Parameter("ApproverEmail3"));
        Assert.Equal(["ApproverSubscription1", "ApproverSubscription2"], LogicalIds(production).Where(id => id.StartsWith("ApproverSubscription", StringComparison.Ordinal)));
        Assert.DoesNotContain(LogicalIds(dev), id => id.StartsWith("ApproverSubscription", StringComparison.Ordinal));
    }

    [Fact]
    public void Staging_or_dev_asked_to_wait_for_approval_gets_the_approval_stage_and_e_mails_the_approvers()
    {
        var renderer = RenderInputs.Renderer();
        var plain = renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Staging), 10);
        var gated = renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Staging, requiresApproval: true), 10);
        var gatedDev = renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev, requiresApproval: true), 11);

        Assert.Equal("false", plain.Parameter("RequireApproval"));
        Assert.Equal("true", gated.Parameter("RequireApproval"));
        Assert.Equal(["Source", "Build", "Approval", "Deploy"], PipelineStages(gated));
        Assert.Equal(["Source", "Build", "Approval", "Deploy"], PipelineStages(gatedDev));
        Assert.Equal(["ApproverSubscription1", "ApproverSubscription2"], LogicalIds(gated).Where(id => id.StartsWith("ApproverSubscription", StringComparison.Ordinal)));
        // Turning the approval on changes the stack, so the environment is updated.
        Assert.NotEqual(plain.TemplateHash, gated.TemplateHash);
        // Production always waits, whatever the setting says.
        Assert.Equal("true", renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Production, requiresApproval: false), 12).Parameter("RequireApproval"));
    }

    [Fact]
    public void A_host_without_a_database_renders_a_storage_size_the_template_accepts()
    {
        var host = RenderInputs.Host();
        host.Database = new DatabaseOptions { Engine = "none", AllocatedStorageGb = 0 }; // as an order without a database saves it

        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev, host), 10);

        Assert.Equal("none", stack.Parameter("DatabaseEngine"));
        Assert.Equal("20", stack.Parameter("DatabaseStorageGb"));
        Assert.DoesNotContain(LogicalIds(stack), id => id.StartsWith("Database", StringComparison.Ordinal));
    }

    [Fact]
    public void More_approvers_than_the_template_has_room_for_are_refused()
    {
        var host = RenderInputs.Host();
        host.ApproverEmails = Enumerable.Range(1, 6).Select(i => $"a{i}@acme.example").ToList();

        var error = Assert.Throws<ArgumentException>(() => RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Production, host), 10));
        Assert.Contains("at most 5 approvers", error.Message);
    }

    [Fact]
    public void A_custom_domain_gives_production_a_dedicated_load_balancer_and_leaves_other_environments_on_the_shared_one()
    {
        var production = RenderInputs.Renderer().RenderSoftware(RenderInputs.ProductionWithCustomDomain(), 20);
        var devHost = RenderInputs.ProductionWithCustomDomain().Host;
        var dev = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev, devHost), 21);

        Assert.Equal("www.acme.example", production.Parameter("CustomDomain"));
        Assert.Equal("arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234", production.Parameter("CertificateArn"));
        Assert.Contains("DedicatedLoadBalancer", LogicalIds(production));
        Assert.Contains("DedicatedListenerRule", LogicalIds(production));
        Assert.DoesNotContain("SharedListenerRule", LogicalIds(production));

        Assert.Equal("", dev.Parameter("CustomDomain"));
        Assert.Equal("", dev.Parameter("CertificateArn"));
        Assert.DoesNotContain("DedicatedLoadBalancer", LogicalIds(dev));
        Assert.Contains("SharedListenerRule", LogicalIds(dev));
    }

    [Theory]
    [InlineData(DeploymentStyle.InPlace)]
    [InlineData(DeploymentStyle.BlueGreen)]
    [InlineData(DeploymentStyle.Zonal)]
    public void Production_deploys_in_place_with_traffic_control_and_rollback_on_failure_and_stop(DeploymentStyle style)
    {
        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.ProductionWithCustomDomain(style), 20);
        var groups = Evaluate(stack).Where(r => r.Type == "AWS::CodeDeploy::DeploymentGroup").ToList();

        Assert.Equal(style == DeploymentStyle.BlueGreen ? 2 : 1, groups.Count);
        Assert.All(groups, group =>
        {
            // CodeDeploy never copies an Auto Scaling group, so CloudFormation keeps owning every group.
            Assert.Equal("IN_PLACE", Get(group.Properties, "DeploymentStyle", "DeploymentType"));
            Assert.Equal("WITH_TRAFFIC_CONTROL", Get(group.Properties, "DeploymentStyle", "DeploymentOption"));
            Assert.Null(Get(group.Properties, "BlueGreenDeploymentConfiguration"));
            Assert.Contains("DEPLOYMENT_FAILURE", (List<object?>)Get(group.Properties, "AutoRollbackConfiguration", "Events")!);
            Assert.Contains("DEPLOYMENT_STOP_ON_REQUEST", (List<object?>)Get(group.Properties, "AutoRollbackConfiguration", "Events")!);
        });
        Assert.Equal(style == DeploymentStyle.Zonal, LogicalIds(stack).Contains("ZonalDeploymentConfig"));
    }

    [Fact]
    public void Zonal_production_watches_one_alarm_per_zone_and_rolls_back_when_one_fires()
    {
        var platform = RenderInputs.Platform();
        platform.PrivateSubnetIds.Add("subnet-0000000000000001c");
        platform.AvailabilityZones.Add("eu-west-1c");
        var host = RenderInputs.Host(plan: "large");
        host.DeploymentStyle = DeploymentStyle.Zonal;
        var stack = RenderInputs.Renderer(platform).RenderSoftware(RenderInputs.Order(EnvironmentKind.Production, host), 20);
        var group = Resource(stack, "DeploymentGroup");
        var alarms = Evaluate(stack).Where(r => r.Type == "AWS::CloudWatch::Alarm").ToList();

        Assert.Equal(["ZoneAUnhealthyHostsAlarm", "ZoneBUnhealthyHostsAlarm", "ZoneCUnhealthyHostsAlarm"], alarms.Select(a => a.LogicalId));
        Assert.Equal("true", Get(group, "AlarmConfiguration", "Enabled"));
        Assert.Equal(3, ((List<object?>)Get(group, "AlarmConfiguration", "Alarms")!).Count);
        Assert.Contains("DEPLOYMENT_STOP_ON_ALARM", (List<object?>)Get(group, "AutoRollbackConfiguration", "Events")!);
        var dimensions = (List<object?>)alarms[0].Properties["Dimensions"]!;
        Assert.Equal("app/portal/50dc6c495c0c9188", Get(dimensions[0], "Value"));
        Assert.Equal("AvailabilityZone", Get(dimensions[2], "Name"));
        // The large plan's 2 instances in 3 zones: 1 stays healthy across the fleet, none has to per zone.
        Assert.Equal("eu-west-1a,eu-west-1b,eu-west-1c", stack.Parameter("AvailabilityZones"));
        Assert.Equal("3", stack.Parameter("AvailabilityZoneCount"));
        Assert.Equal("1", stack.Parameter("ZonalMinimumHealthyHosts"));
        Assert.Equal("0", stack.Parameter("ZonalMinimumHealthyHostsPerZone"));
        Assert.Equal("600", Get(Resource(stack, "ZonalDeploymentConfig"), "ZonalConfig", "MonitorDurationInSeconds"));
    }

    [Fact]
    public void Zonal_minimums_leave_a_whole_zone_deployable_and_half_the_fleet_serving()
    {
        var host = RenderInputs.Host();
        host.DeploymentStyle = DeploymentStyle.Zonal;
        host.MinInstances = 6;
        host.MaxInstances = 8;

        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Production, host), 20);

        Assert.Equal("3", stack.Parameter("ZonalMinimumHealthyHosts"));
        Assert.Equal("2", stack.Parameter("ZonalMinimumHealthyHostsPerZone"));
    }

    [Theory]
    [InlineData(LiveColour.Blue, "GreenDeploymentGroup", 100, 0)]
    [InlineData(LiveColour.Green, "DeploymentGroup", 0, 100)]
    public void Blue_green_deploys_to_the_idle_side_and_the_rule_weights_follow_the_live_colour(LiveColour live, string deployedGroup, int blueWeight, int greenWeight)
    {
        var order = RenderInputs.Order(EnvironmentKind.Production, BlueGreenHost()) with { LiveColour = live, ReleaseDeployed = true };
        var stack = RenderInputs.Renderer().RenderSoftware(order, 20);
        var deploy = ((List<object?>)Resource(stack, "Pipeline")["Stages"]!).Select(s => (Dictionary<string, object?>)s!).Single(s => (string)s["Name"]! == "Deploy");
        var targets = (List<object?>)Get(((List<object?>)Resource(stack, "SharedListenerRule")["Actions"]!)[0], "ForwardConfig", "TargetGroups")!;

        Assert.Equal(live == LiveColour.Green ? "green" : "blue", stack.Parameter("LiveColour"));
        Assert.Equal(deployedGroup, ((Dictionary<string, object?>)Get(((List<object?>)deploy["Actions"]!)[0], "Configuration", "DeploymentGroupName")!)["Ref"]);
        Assert.Equal([blueWeight.ToString(CultureInfo.InvariantCulture), greenWeight.ToString(CultureInfo.InvariantCulture)], targets.Select(t => Get(t, "Weight")));
        Assert.Equal(["TargetGroup", "GreenTargetGroup"], targets.Select(t => ((Dictionary<string, object?>)Get(t, "TargetGroupArn")!)["Ref"]));
        // The live side checks the load balancer's health, the idle side EC2 status only.
        Assert.Equal(live == LiveColour.Blue ? "ELB" : "EC2", Get(Resource(stack, "AutoScalingGroup"), "HealthCheckType"));
        Assert.Equal(live == LiveColour.Green ? "ELB" : "EC2", Get(Resource(stack, "GreenAutoScalingGroup"), "HealthCheckType"));
        Assert.DoesNotContain(Evaluate(stack), r => r.Type == "AWS::CodeDeploy::DeploymentGroup" && Get(r.Properties, "BlueGreenDeploymentConfiguration") is not null);
    }

    [Theory]
    [InlineData(false, "EC2")]
    [InlineData(true, "ELB")]
    public void Instances_are_checked_by_the_load_balancer_only_once_a_release_succeeded(bool released, string healthCheckType)
    {
        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev) with { ReleaseDeployed = released }, 10);

        Assert.Equal(released ? "true" : "false", stack.Parameter("ReleaseDeployed"));
        Assert.Equal(healthCheckType, Get(Resource(stack, "AutoScalingGroup"), "HealthCheckType"));
        Assert.Equal("300", Get(Resource(stack, "AutoScalingGroup"), "HealthCheckGracePeriod"));
    }

    [Fact]
    public void Adding_a_custom_domain_moves_the_fleet_to_the_dedicated_load_balancers_own_target_group()
    {
        var shared = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Production), 20);
        var dedicated = RenderInputs.Renderer().RenderSoftware(RenderInputs.ProductionWithCustomDomain(), 20);

        Assert.Contains("TargetGroup", LogicalIds(shared));
        Assert.DoesNotContain("DedicatedTargetGroup", LogicalIds(shared));
        Assert.Equal("TargetGroup", Referenced(Get(Resource(shared, "AutoScalingGroup"), "TargetGroupARNs")));
        // A target group belongs to one load balancer: the shared one is left behind, not moved.
        Assert.DoesNotContain("TargetGroup", LogicalIds(dedicated));
        Assert.Equal("DedicatedTargetGroup", Referenced(Get(Resource(dedicated, "AutoScalingGroup"), "TargetGroupARNs")));
        Assert.Equal("DedicatedTargetGroup", Referenced(Get(((List<object?>)Resource(dedicated, "DedicatedListenerRule")["Actions"]!)[0], "TargetGroupArn")));
    }

    [Fact]
    public void Host_names_get_an_alias_record_on_the_shared_load_balancer_only_when_the_platform_has_a_zone()
    {
        var withZone = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Staging), 20);
        var platform = RenderInputs.Platform();
        platform.HostedZoneId = null;
        var withoutZone = RenderInputs.Renderer(platform).RenderSoftware(RenderInputs.Order(EnvironmentKind.Staging), 20);
        var dedicated = RenderInputs.Renderer().RenderSoftware(RenderInputs.ProductionWithCustomDomain(), 20);

        var record = Resource(withZone, "HostRecord");
        Assert.Equal("Z0123456789ABCDEFGHIJ", record["HostedZoneId"]);
        Assert.Equal("web-staging--acme.apps.example.com", record["Name"]);
        Assert.Equal("portal-1234567890.eu-west-1.elb.amazonaws.com", Get(record, "AliasTarget", "DNSName"));
        Assert.Equal("Z32O12XQLNTSW2", Get(record, "AliasTarget", "HostedZoneId"));
        Assert.Equal("", withoutZone.Parameter("HostedZoneId"));
        Assert.DoesNotContain("HostRecord", LogicalIds(withoutZone));
        Assert.DoesNotContain("HostRecord", LogicalIds(dedicated));
    }

    [Fact]
    public void Every_role_carries_the_platforms_permissions_boundary_under_the_hosts_path()
    {
        var plan = RenderInputs.Renderer().Render(RenderInputs.ProductionWithCustomDomain(DeploymentStyle.BlueGreen), 20);

        var roles = Evaluate(plan.Infrastructure).Concat(Evaluate(plan.Software)).Where(r => r.Type == "AWS::IAM::Role").ToList();

        Assert.Equal(7, roles.Count);
        Assert.All(roles, role =>
        {
            Assert.Equal("arn:aws:iam::123456789012:policy/portal-permissions-boundary", role.Properties["PermissionsBoundary"]);
            Assert.Equal("/portal/hosts/", role.Properties["Path"]);
        });
    }

    private static Host BlueGreenHost()
    {
        var host = RenderInputs.Host();
        host.DeploymentStyle = DeploymentStyle.BlueGreen;
        return host;
    }

    private static string? Referenced(object? value) => value switch
    {
        List<object?> { Count: 1 } list => Referenced(list[0]),
        Dictionary<string, object?> d => d.GetValueOrDefault("Ref") as string,
        _ => null,
    };

    [Fact]
    public void Other_environments_always_deploy_in_place_one_at_a_time()
    {
        var host = RenderInputs.ProductionWithCustomDomain(DeploymentStyle.BlueGreen).Host;
        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Staging, host), 20);
        var group = Resource(stack, "DeploymentGroup");

        Assert.Equal("IN_PLACE", Get(group, "DeploymentStyle", "DeploymentType"));
        Assert.Equal("CodeDeployDefault.OneAtATime", Get(group, "DeploymentConfigName"));
        Assert.Null(Get(group, "BlueGreenDeploymentConfiguration"));
    }

    [Fact]
    public void Without_a_database_no_database_resources_are_created()
    {
        var host = RenderInputs.Host();
        host.Database.Engine = "none";

        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Production, host), 10);

        Assert.Equal("none", stack.Parameter("DatabaseEngine"));
        Assert.DoesNotContain(LogicalIds(stack), id => id.StartsWith("Database", StringComparison.Ordinal));
    }

    [Fact]
    public void The_packer_template_is_rendered_for_the_host_and_lands_where_the_AMI_build_reads_it()
    {
        var plan = RenderInputs.Renderer().Render(RenderInputs.Order(EnvironmentKind.Staging), 10);

        Assert.Equal(plan.Infrastructure.Parameter("PackerTemplateKey"), plan.Packer.ObjectKey);
        Assert.Equal("packer-acme-staging.pkr.hcl", plan.Packer.FileName);
        Assert.DoesNotMatch("__[A-Z_]+__", plan.Packer.Content);
        Assert.Contains($"ami-acme-web-staging-{RenderInputs.Host().ResourceKey}-PLACE_CODEBUILD_BUILD_ID", plan.Packer.Content);
        Assert.Contains("http_tokens                 = \"required\"", plan.Packer.Content);
        Assert.Contains("encrypt_boot = true", plan.Packer.Content);
        Assert.Contains("\"portal:customer\"    = \"acme\"", plan.Packer.Content);
        Assert.Contains("source_ami      = \"ami-0abcdef1234567890\"", plan.Packer.Content);
        Assert.Contains("region          = \"eu-west-1\"", plan.Packer.Content);
    }

    [Fact]
    public void Rendering_refuses_a_template_whose_parameters_it_does_not_fill()
    {
        var directory = Directory.CreateTempSubdirectory("templates-");
        try
        {
            foreach (var file in Directory.GetFiles(Repository.Templates, "*.yaml"))
                File.Copy(file, Path.Combine(directory.FullName, Path.GetFileName(file)));
            var software = Path.Combine(directory.FullName, TemplateCatalog.HostSoftware);
            File.WriteAllText(software, File.ReadAllText(software).Replace("Parameters:\n", "Parameters:\n  SupportPlan:\n    Type: String\n"));
            var renderer = new HostStackRenderer(new TemplateCatalog(new TemplateCatalogOptions { Path = directory.FullName }), RenderInputs.Platform(), new PlanCatalog(PlanCatalog.Defaults));

            var error = Assert.Throws<InvalidOperationException>(() => renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev), 10));
            Assert.Contains("required parameters not rendered: [SupportPlan]", error.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_catalog_finds_the_repository_templates_without_configuration()
    {
        var catalog = new TemplateCatalog(new TemplateCatalogOptions());

        Assert.Equal(Repository.Templates, catalog.Directory);
        Assert.Contains("ListenerPriority", catalog.Parameters(TemplateCatalog.HostSoftware).Required);
        Assert.Throws<FileNotFoundException>(() => catalog.GetBody("../Portal.sln"));
    }

    [Fact]
    public void Platform_settings_name_the_setting_that_is_missing_or_wrong()
    {
        var missing = RenderInputs.Platform();
        missing.KmsKeyArn = "";
        var wrong = RenderInputs.Platform();
        wrong.PrivateSubnetIds = ["subnet-0000000000000001a"];

        Assert.Equal("Platform:KmsKeyArn is required.", Assert.Throws<InvalidOperationException>(missing.Validate).Message);
        Assert.Contains("Platform:PrivateSubnetIds", Assert.Throws<InvalidOperationException>(wrong.Validate).Message);
        var zones = RenderInputs.Platform();
        zones.AvailabilityZones = ["eu-west-1a"];
        Assert.Contains("Platform:AvailabilityZones must name the zone of each private subnet", Assert.Throws<InvalidOperationException>(zones.Validate).Message);
        var record = RenderInputs.Platform();
        record.LoadBalancerDnsName = null;
        Assert.Equal("Platform:LoadBalancerDnsName is required.", Assert.Throws<InvalidOperationException>(record.Validate).Message);
        var boundary = RenderInputs.Platform();
        boundary.PermissionsBoundaryArn = "arn:aws:iam::123456789012:role/not-a-policy";
        Assert.Contains("Platform:PermissionsBoundaryArn is not valid", Assert.Throws<InvalidOperationException>(boundary.Validate).Message);
        RenderInputs.Platform().Validate();
    }

    [Fact]
    public void Plans_come_from_configuration_when_given_and_are_validated()
    {
        var configured = PlanCatalog.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plans:tiny:InstanceType"] = "t4g.nano",
            ["Plans:tiny:MinInstances"] = "1",
            ["Plans:tiny:MaxInstances"] = "1",
            ["Plans:tiny:DatabaseInstanceClass"] = "db.t4g.micro",
            ["Plans:tiny:DatabaseStorageGb"] = "20",
            ["Plans:tiny:MonthlyPrice"] = "9.5",
        }).Build());
        var defaults = PlanCatalog.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.Equal(["tiny"], configured.Plans.Keys);
        Assert.Equal(9.5m, configured.Get("TINY").MonthlyPrice);
        Assert.Equal(["small", "medium", "large"], defaults.Plans.Keys);
        Assert.Throws<ArgumentException>(() => defaults.Get("huge"));
        var invalid = new Dictionary<string, PlanDefinition> { ["bad"] = new() { InstanceType = "t3.micro", MinInstances = 3, MaxInstances = 2, DatabaseInstanceClass = "db.t4g.micro", DatabaseStorageGb = 20 } };
        Assert.Contains("Plans:bad", Assert.Throws<InvalidOperationException>(() => new PlanCatalog(invalid)).Message);
    }

    private static IReadOnlyList<EvaluatedResource> Evaluate(RenderedStack stack) =>
        new TemplateEvaluator(CloudFormationYaml.Parse(stack.TemplateBody), stack.Parameters).Resources();

    private static List<string> LogicalIds(RenderedStack stack) => Evaluate(stack).Select(r => r.LogicalId).ToList();

    private static Dictionary<string, object?> Resource(RenderedStack stack, string logicalId) =>
        Evaluate(stack).Single(r => r.LogicalId == logicalId).Properties;

    private static List<string> PipelineStages(RenderedStack stack) =>
        ((List<object?>)Resource(stack, "Pipeline")["Stages"]!).Select(s => (string)((Dictionary<string, object?>)s!)["Name"]!).ToList();

    private static object? Get(object? value, params string[] path)
    {
        foreach (var key in path)
            value = value is Dictionary<string, object?> d ? d.GetValueOrDefault(key) : null;
        return value;
    }
}
