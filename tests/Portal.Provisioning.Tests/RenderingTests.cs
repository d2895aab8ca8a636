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
        var first = Orders.Renderer().Render(Orders.Order(EnvironmentKind.Dev), listenerPriority: 10);
        var again = Orders.Renderer().Render(Orders.Order(EnvironmentKind.Dev), listenerPriority: 10);

        Assert.Equal("portal-acme-web-dev-infra", first.Infrastructure.StackName);
        Assert.Equal("portal-acme-web-dev-app", first.Software.StackName);
        Assert.Equal(first.Infrastructure.StackName, again.Infrastructure.StackName);
        Assert.Equal(first.Software.StackName, again.Software.StackName);
        Assert.Equal("acme-web-dev", first.Software.Parameter("PipelineName"));
        Assert.Equal("acme-web-dev-infra", first.Infrastructure.Parameter("PipelineName"));
        Assert.Equal("web-dev.acme.apps.example.com", first.Software.Parameter("HostDomain"));
    }

    [Fact]
    public void Long_names_are_cut_to_the_limits_with_a_stable_hash_that_keeps_them_apart()
    {
        var customer = new string('c', 60);
        var hostA = new string('h', 99) + "a";
        var hostB = new string('h', 99) + "b";

        var a = StackNaming.StackName(customer, hostA, EnvironmentKind.Production, StackLayer.Software);
        var aAgain = StackNaming.StackName(customer, hostA, EnvironmentKind.Production, StackLayer.Software);
        var b = StackNaming.StackName(customer, hostB, EnvironmentKind.Production, StackLayer.Software);

        Assert.Equal(StackNaming.MaxStackNameLength, a.Length);
        Assert.Matches(StackNamePattern, a);
        Assert.Equal(a, aAgain);
        Assert.NotEqual(a, b);
        Assert.StartsWith($"portal-{customer}-hhhh", a);
        var pipeline = StackNaming.PipelineName(customer, hostA, EnvironmentKind.Production, StackLayer.Infrastructure);
        Assert.True(pipeline.Length <= StackNaming.MaxPipelineNameLength);
        Assert.NotEqual(pipeline, StackNaming.PipelineName(customer, hostB, EnvironmentKind.Production, StackLayer.Infrastructure));
        var domain = StackNaming.DefaultHostDomain(customer, hostA, EnvironmentKind.Production, "apps.example.com");
        Assert.All(domain.Split('.'), label => Assert.InRange(label.Length, 1, 63));
    }

    [Fact]
    public void Names_are_built_only_from_characters_AWS_accepts()
    {
        var name = StackNaming.StackName("Acme_Corp", "my.web--site", EnvironmentKind.Staging, StackLayer.Infrastructure);

        Assert.Equal("portal-acme-corp-my-web-site-staging-infra", name);
        Assert.Throws<ArgumentException>(() => StackNaming.StackName("---", "web", EnvironmentKind.Dev, StackLayer.Software));
    }

    [Theory]
    [InlineData("Acme", "web")]
    [InlineData("acme", "web_site")]
    [InlineData("acme", "a-host-name-that-is-longer-than-forty-chars")]
    public void Orders_whose_names_the_templates_would_refuse_are_refused_before_rendering(string customer, string host)
    {
        var error = Assert.Throws<ArgumentException>(() => Orders.Renderer().Render(Orders.Order(EnvironmentKind.Dev, Orders.Host(host), customer), 10));

        Assert.Contains("1-40 lower-case letters", error.Message);
    }

    [Fact]
    public void The_renderer_and_the_templates_agree_on_the_name_pattern()
    {
        foreach (var template in new[] { TemplateCatalog.HostInfrastructure, TemplateCatalog.HostSoftware })
        {
            var parameters = (Dictionary<string, object?>)CloudFormationYaml.Parse(Orders.Catalog.GetBody(template))["Parameters"]!;
            foreach (var name in new[] { "CustomerSlug", "HostName" })
                Assert.Equal(HostEnvironmentOrder.NamePattern, ((Dictionary<string, object?>)parameters[name]!)["AllowedPattern"]);
        }
    }

    [Fact]
    public void Both_stacks_carry_the_portal_tags()
    {
        var plan = Orders.Renderer().Render(Orders.Order(EnvironmentKind.Production), 11);

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
            var host = Orders.Host();
            change(host);
            return Orders.Renderer().RenderSoftware(Orders.Order(EnvironmentKind.Production, host), priority).TemplateHash;
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
        var host = Orders.Host(plan: "large");
        host.Database = new DatabaseOptions { Engine = "mysql", InstanceClass = "db.r6g.large", AllocatedStorageGb = 100, MultiAz = true };

        var stack = Orders.Renderer().RenderSoftware(Orders.Order(EnvironmentKind.Staging, host), 12);

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
        var renderer = Orders.Renderer();
        var dev = renderer.RenderSoftware(Orders.Order(EnvironmentKind.Dev), 10);
        var production = renderer.RenderSoftware(Orders.Order(EnvironmentKind.Production), 11);

        Assert.Equal(["Source", "Build", "Deploy"], PipelineStages(dev));
        Assert.Equal(["Source", "Build", "Approval", "Deploy"], PipelineStages(production));
        Assert.Equal("", dev.Parameter("ApproverEmail1"));
        Assert.Equal("ops@acme.example", production.Parameter("ApproverEmail1"));
        Assert.Equal("cto@acme.example", production.Parameter("ApproverEmail2"));
        Assert.Equal("", production.Parameter("ApproverEmail3"));
        Assert.Equal(["ApproverSubscription1", "ApproverSubscription2"], LogicalIds(production).Where(id => id.StartsWith("ApproverSubscription")));
        Assert.DoesNotContain(LogicalIds(dev), id => id.StartsWith("ApproverSubscription"));
    }

    [Fact]
    public void Staging_or_dev_asked_to_wait_for_approval_gets_the_approval_stage_and_e_mails_the_approvers()
    {
        var renderer = Orders.Renderer();
        var plain = renderer.RenderSoftware(Orders.Order(EnvironmentKind.Staging), 10);
        var gated = renderer.RenderSoftware(Orders.Order(EnvironmentKind.Staging, requiresApproval: true), 10);
        var gatedDev = renderer.RenderSoftware(Orders.Order(EnvironmentKind.Dev, requiresApproval: true), 11);

        Assert.Equal("false", plain.Parameter("RequireApproval"));
        Assert.Equal("true", gated.Parameter("RequireApproval"));
        Assert.Equal(["Source", "Build", "Approval", "Deploy"], PipelineStages(gated));
        Assert.Equal(["Source", "Build", "Approval", "Deploy"], PipelineStages(gatedDev));
        Assert.Equal(["ApproverSubscription1", "ApproverSubscription2"], LogicalIds(gated).Where(id => id.StartsWith("ApproverSubscription")));
        // Turning the approval on changes the stack, so the environment is updated.
        Assert.NotEqual(plain.TemplateHash, gated.TemplateHash);
        // Production always waits, whatever the setting says.
        Assert.Equal("true", renderer.RenderSoftware(Orders.Order(EnvironmentKind.Production, requiresApproval: false), 12).Parameter("RequireApproval"));
    }

    [Fact]
    public void A_host_without_a_database_renders_a_storage_size_the_template_accepts()
    {
        var host = Orders.Host();
        host.Database = new DatabaseOptions { Engine = "none", AllocatedStorageGb = 0 }; // as an order without a database saves it

        var stack = Orders.Renderer().RenderSoftware(Orders.Order(EnvironmentKind.Dev, host), 10);

        Assert.Equal("none", stack.Parameter("DatabaseEngine"));
        Assert.Equal("20", stack.Parameter("DatabaseStorageGb"));
        Assert.DoesNotContain(LogicalIds(stack), id => id.StartsWith("Database"));
    }

    [Fact]
    public void More_approvers_than_the_template_has_room_for_are_refused()
    {
        var host = Orders.Host();
        host.ApproverEmails = Enumerable.Range(1, 6).Select(i => $"a{i}@acme.example").ToList();

        var error = Assert.Throws<ArgumentException>(() => Orders.Renderer().RenderSoftware(Orders.Order(EnvironmentKind.Production, host), 10));
        Assert.Contains("at most 5 approvers", error.Message);
    }

    [Fact]
    public void A_custom_domain_gives_production_a_dedicated_load_balancer_and_leaves_other_environments_on_the_shared_one()
    {
        var production = Orders.Renderer().RenderSoftware(Orders.ProductionWithCustomDomain(), 20);
        var devHost = Orders.ProductionWithCustomDomain().Host;
        var dev = Orders.Renderer().RenderSoftware(Orders.Order(EnvironmentKind.Dev, devHost), 21);

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
    [InlineData(DeploymentStyle.InPlace, "IN_PLACE", false)]
    [InlineData(DeploymentStyle.BlueGreen, "BLUE_GREEN", false)]
    [InlineData(DeploymentStyle.Zonal, "IN_PLACE", true)]
    public void Production_deploys_in_the_ordered_style_with_rollback_on_failure_and_stop(DeploymentStyle style, string deploymentType, bool zonal)
    {
        var stack = Orders.Renderer().RenderSoftware(Orders.ProductionWithCustomDomain(style), 20);
        var group = Resource(stack, "DeploymentGroup");

        Assert.Equal(deploymentType, Get(group, "DeploymentStyle", "DeploymentType"));
        Assert.Equal("WITH_TRAFFIC_CONTROL", Get(group, "DeploymentStyle", "DeploymentOption"));
        Assert.Equal(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"], (List<object?>)Get(group, "AutoRollbackConfiguration", "Events")!);
        if (zonal)
            Assert.Contains("ZonalDeploymentConfig", LogicalIds(stack));
        else
            Assert.Equal("CodeDeployDefault.OneAtATime", Get(group, "DeploymentConfigName"));
    }

    [Fact]
    public void Other_environments_always_deploy_in_place_one_at_a_time()
    {
        var host = Orders.ProductionWithCustomDomain(DeploymentStyle.BlueGreen).Host;
        var stack = Orders.Renderer().RenderSoftware(Orders.Order(EnvironmentKind.Staging, host), 20);
        var group = Resource(stack, "DeploymentGroup");

        Assert.Equal("IN_PLACE", Get(group, "DeploymentStyle", "DeploymentType"));
        Assert.Equal("CodeDeployDefault.OneAtATime", Get(group, "DeploymentConfigName"));
        Assert.Null(Get(group, "BlueGreenDeploymentConfiguration"));
    }

    [Fact]
    public void Without_a_database_no_database_resources_are_created()
    {
        var host = Orders.Host();
        host.Database.Engine = "none";

        var stack = Orders.Renderer().RenderSoftware(Orders.Order(EnvironmentKind.Production, host), 10);

        Assert.Equal("none", stack.Parameter("DatabaseEngine"));
        Assert.DoesNotContain(LogicalIds(stack), id => id.StartsWith("Database"));
    }

    [Fact]
    public void The_packer_template_is_rendered_for_the_host_and_lands_where_the_AMI_build_reads_it()
    {
        var plan = Orders.Renderer().Render(Orders.Order(EnvironmentKind.Staging), 10);

        Assert.Equal(plan.Infrastructure.Parameter("PackerTemplateKey"), plan.Packer.ObjectKey);
        Assert.Equal("packer-acme-staging.pkr.hcl", plan.Packer.FileName);
        Assert.DoesNotMatch("__[A-Z_]+__", plan.Packer.Content);
        Assert.Contains("ami-acme-web-staging-PLACE_CODEBUILD_BUILD_ID", plan.Packer.Content);
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
            var renderer = new HostStackRenderer(new TemplateCatalog(new TemplateCatalogOptions { Path = directory.FullName }), Orders.Platform(), new PlanCatalog(PlanCatalog.Defaults));

            var error = Assert.Throws<InvalidOperationException>(() => renderer.RenderSoftware(Orders.Order(EnvironmentKind.Dev), 10));
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
        var missing = Orders.Platform();
        missing.KmsKeyArn = "";
        var wrong = Orders.Platform();
        wrong.PrivateSubnetIds = ["subnet-0000000000000001a"];

        Assert.Equal("Platform:KmsKeyArn is required.", Assert.Throws<InvalidOperationException>(missing.Validate).Message);
        Assert.Contains("Platform:PrivateSubnetIds", Assert.Throws<InvalidOperationException>(wrong.Validate).Message);
        Orders.Platform().Validate();
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
