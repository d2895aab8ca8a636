using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Tests;

public class SetupTests
{
    [Fact]
    public void Start_up_stops_with_the_name_of_a_missing_platform_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(PlatformConfiguration().Where(p => p.Key != "Platform:Region")).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddPortalTemplates(configuration));

        Assert.Equal("Platform:Region is required.", error.Message);
    }

    [Fact]
    public void Configured_services_render_and_check_a_host()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(PlatformConfiguration()).Build();
        using var services = new ServiceCollection().AddPortalTemplates(configuration).BuildServiceProvider();

        var stack = services.GetRequiredService<HostStackRenderer>().RenderSoftware(RenderInputs.Order(EnvironmentKind.Production), 7);

        Assert.Equal("web-production--acme.apps.example.com", stack.Parameter("HostDomain"));
        Assert.Empty(services.GetRequiredService<TemplatePolicy>().Check(stack));
        Assert.Equal(["small", "medium", "large"], services.GetRequiredService<PlanCatalog>().Plans.Keys);
    }

    private static Dictionary<string, string?> PlatformConfiguration()
    {
        var platform = RenderInputs.Platform();
        return new Dictionary<string, string?>
        {
            ["Platform:Region"] = platform.Region,
            ["Platform:VpcId"] = platform.VpcId,
            ["Platform:PublicSubnetIds:0"] = platform.PublicSubnetIds[0],
            ["Platform:PublicSubnetIds:1"] = platform.PublicSubnetIds[1],
            ["Platform:PrivateSubnetIds:0"] = platform.PrivateSubnetIds[0],
            ["Platform:PrivateSubnetIds:1"] = platform.PrivateSubnetIds[1],
            ["Platform:ArtifactBucket"] = platform.ArtifactBucket,
            ["Platform:KmsKeyArn"] = platform.KmsKeyArn,
            ["Platform:SharedListenerArn"] = platform.SharedListenerArn,
            ["Platform:LoadBalancerSecurityGroupId"] = platform.LoadBalancerSecurityGroupId,
            ["Platform:BaseDomain"] = platform.BaseDomain,
            ["Platform:DefaultAmiId"] = platform.DefaultAmiId,
            ["Platform:PermissionsBoundaryArn"] = platform.PermissionsBoundaryArn,
            ["Platform:CloudFormationRoleArn"] = platform.CloudFormationRoleArn,
            ["Platform:AccessLogBucket"] = platform.AccessLogBucket,
            ["Platform:AvailabilityZones:0"] = platform.AvailabilityZones[0],
            ["Platform:AvailabilityZones:1"] = platform.AvailabilityZones[1],
            ["Templates:Path"] = Repository.Templates,
        };
    }
}
