using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Tests;

/// <summary>A platform and host orders as the portal would render them.</summary>
public static class RenderInputs
{
    public static PlatformSettings Platform() => new()
    {
        Region = "eu-west-1",
        VpcId = "vpc-0123456789abcdef0",
        PublicSubnetIds = ["subnet-0000000000000000a", "subnet-0000000000000000b"],
        PrivateSubnetIds = ["subnet-0000000000000001a", "subnet-0000000000000001b"],
        ArtifactBucket = "portal-artifacts-123456789012",
        KmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666",
        SharedListenerArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/portal/50dc6c495c0c9188/f2f7dc8efc522ab2",
        LoadBalancerSecurityGroupId = "sg-0123456789abcdef0",
        BaseDomain = "apps.example.com",
        DefaultAmiId = "ami-0abcdef1234567890",
        PermissionsBoundaryArn = "arn:aws:iam::123456789012:policy/portal-permissions-boundary",
        CloudFormationRoleArn = "arn:aws:iam::123456789012:role/portal-cloudformation",
        AccessLogBucket = "portal-access-logs-123456789012",
        AvailabilityZones = ["eu-west-1a", "eu-west-1b"],
        HostedZoneId = "Z0123456789ABCDEFGHIJ",
        LoadBalancerDnsName = "portal-1234567890.eu-west-1.elb.amazonaws.com",
        LoadBalancerCanonicalHostedZoneId = "Z32O12XQLNTSW2",
    };

    public static TemplateCatalog Catalog { get; } = new(new TemplateCatalogOptions { Path = Repository.Templates });

    public static HostStackRenderer Renderer(PlatformSettings? platform = null) =>
        new(Catalog, platform ?? Platform(), new PlanCatalog(PlanCatalog.Defaults));

    /// <summary>The same name gives the same resource key, so renders compare; a real order draws a key no other host has.</summary>
    public static Host Host(string name = "web", string plan = "small") => new()
    {
        Name = name,
        ResourceKey = KeyOf(name),
        Plan = plan,
        Database = new DatabaseOptions { Engine = "postgres", InstanceClass = "db.t4g.micro", AllocatedStorageGb = 20 },
        HealthCheckPath = "/health",
        ApproverEmails = ["ops@acme.example", "cto@acme.example"],
    };

    public static HostEnvironmentOrder Order(EnvironmentKind kind, Host? host = null, string customer = "acme", bool requiresApproval = false)
    {
        host ??= Host();
        var branch = kind switch { EnvironmentKind.Dev => "dev", EnvironmentKind.Staging => "staging", _ => "main" };
        var id = new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"{customer}/{host.Name}/{host.ResourceKey}/{kind}")));
        return new HostEnvironmentOrder(customer, host, new HostEnvironment { Id = id, Kind = kind, Branch = branch, RequiresApproval = requiresApproval });
    }

    private static string KeyOf(string name) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)).Take(Portal.Data.Entities.Host.ResourceKeyLength)
            .Select(b => "abcdefghijklmnopqrstuvwxyz234567"[b % 32]).ToArray());

    public static HostEnvironmentOrder ProductionWithCustomDomain(DeploymentStyle style = DeploymentStyle.InPlace)
    {
        var host = Host();
        host.Domain = new DomainOptions { CustomDomain = "www.acme.example", CertificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234" };
        host.DeploymentStyle = style;
        return Order(EnvironmentKind.Production, host);
    }
}
