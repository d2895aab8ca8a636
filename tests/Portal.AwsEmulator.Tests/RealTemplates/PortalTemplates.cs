using Portal.AwsEmulator.Tests.Calls;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;
using Portal.Tests.Support;

namespace Portal.AwsEmulator.Tests.RealTemplates;

/// <summary>
/// The repository's templates as the portal deploys them: the platform stack, whose outputs become the platform
/// settings, and host stacks rendered by <see cref="HostStackRenderer"/> from sample orders.
/// </summary>
public sealed class PortalTemplates(CloudFormationCalls stacks)
{
    public const string CertificateArn = "arn:aws:acm:eu-west-1:000000000000:certificate/wildcard-apps";
    public const string HostedZoneId = "Z0APPSEXAMPLE000000";
    private static readonly TemplateCatalog Catalog = new(new TemplateCatalogOptions { Path = RepoPaths.Combine("templates") });

    public static string Body(string name) => Catalog.GetBody(name);

    /// <summary>The platform names its permissions boundary and CloudFormation service role.</summary>
    public static readonly (string, string) PlatformCapabilities = ("Capabilities.member.1", "CAPABILITY_NAMED_IAM");

    /// <summary>The platform's parameters; the platform name names its trail and key alias, which are unique in a region.</summary>
    public static Dictionary<string, string> PlatformParameters(string stackName) =>
        new() { ["PlatformName"] = "p" + stackName[^8..], ["CertificateArn"] = CertificateArn };

    /// <summary>Creates a platform stack and reads the platform settings from its outputs (as an operator would configure them).</summary>
    public async Task<(StackView Stack, PlatformSettings Settings)> CreatePlatformAsync(string name)
    {
        var stack = await stacks.CreateAndWaitAsync(name, Body(TemplateCatalog.Platform), PlatformParameters(name), PlatformCapabilities);
        if (stack.Status != "CREATE_COMPLETE")
            throw new InvalidOperationException($"The platform stack ended {stack.Status}: {stack.Reason}");
        var settings = new PlatformSettings
        {
            Region = "eu-west-1",
            VpcId = stack.Outputs["VpcId"],
            PublicSubnetIds = [.. stack.Outputs["PublicSubnetIds"].Split(',')],
            PrivateSubnetIds = [.. stack.Outputs["PrivateSubnetIds"].Split(',')],
            ArtifactBucket = stack.Outputs["ArtifactBucketName"],
            KmsKeyArn = stack.Outputs["KmsKeyArn"],
            SharedListenerArn = stack.Outputs["SharedListenerArn"],
            LoadBalancerSecurityGroupId = stack.Outputs["LoadBalancerSecurityGroupId"],
            BaseDomain = "apps.example.com",
            DefaultAmiId = "ami-0abcdef1234567890",
            PermissionsBoundaryArn = stack.Outputs["PermissionsBoundaryArn"],
            CloudFormationRoleArn = stack.Outputs["CloudFormationServiceRoleArn"],
            AccessLogBucket = stack.Outputs["AccessLogBucketName"],
            AvailabilityZones = [.. stack.Outputs["PrivateSubnetAvailabilityZones"].Split(',')],
            HostedZoneId = HostedZoneId,
            LoadBalancerDnsName = stack.Outputs["LoadBalancerDnsName"],
            LoadBalancerCanonicalHostedZoneId = stack.Outputs["LoadBalancerCanonicalHostedZoneId"],
        };
        settings.Validate();
        return (stack, settings);
    }

    public static HostStackRenderer Renderer(PlatformSettings platform) => new(Catalog, platform, new PlanCatalog(PlanCatalog.Defaults));

    public static HostEnvironmentOrder Order(EnvironmentKind kind, string customer, string host = "web", Action<Host>? change = null)
    {
        var order = new Host
        {
            Name = host,
            // The same customer and host name are the same host in every order: its resource key and environment ids match.
            ResourceKey = Key($"{customer}/{host}"),
            Plan = "small",
            Database = new DatabaseOptions { Engine = "postgres", InstanceClass = "db.t4g.micro", AllocatedStorageGb = 20 },
            HealthCheckPath = "/health",
            ApproverEmails = ["ops@acme.example", "cto@acme.example"],
        };
        change?.Invoke(order);
        var branch = kind switch { EnvironmentKind.Dev => "dev", EnvironmentKind.Staging => "staging", _ => "main" };
        var id = new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"{customer}/{host}/{kind}")));
        return new HostEnvironmentOrder(customer, order, new HostEnvironment { Id = id, Kind = kind, Branch = branch });
    }

    private static string Key(string text) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)).Take(Host.ResourceKeyLength)
            .Select(b => "abcdefghijklmnopqrstuvwxyz234567"[b % 32]).ToArray());

    public static void CustomDomain(Host host, DeploymentStyle style = DeploymentStyle.InPlace)
    {
        host.Domain = new DomainOptions { CustomDomain = "www.acme.example", CertificateArn = "arn:aws:acm:eu-west-1:000000000000:certificate/acme" };
        host.DeploymentStyle = style;
    }

    /// <summary>CreateStack or UpdateStack with the rendered template, parameters and tags; waits for the stack to settle.</summary>
    public async Task<StackView> DeployAsync(RenderedStack rendered, bool update = false)
    {
        var parameters = rendered.Parameters.ToDictionary(p => p.Key, p => p.Value);
        (string, string)[] extra =
        [
            ("Capabilities.member.1", "CAPABILITY_IAM"),
            .. rendered.Tags.SelectMany((t, i) => new[] { ($"Tags.member.{i + 1}.Key", t.Key), ($"Tags.member.{i + 1}.Value", t.Value) }),
        ];
        var id = update
            ? await stacks.UpdateAsync(rendered.StackName, rendered.TemplateBody, parameters, extra)
            : await stacks.CreateAsync(rendered.StackName, rendered.TemplateBody, parameters, extra);
        return await stacks.WaitAsync(id);
    }

    public async Task<StackView> DeleteAsync(StackView stack)
    {
        await stacks.DeleteAsync(stack.Name);
        return await stacks.WaitAsync(stack.StackId);
    }
}
