using System.Security.Cryptography;
using System.Text;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Tests;

/// <summary>
/// AWS's own policy rules: every AWS Control Tower proactive control, run by the real cfn-guard binary over the
/// templates as the portal renders them for every kind of order, and over the platform and portal IAM templates.
/// </summary>
public class GuardTests
{
    [Fact]
    public void Every_rendered_template_passes_the_Control_Tower_proactive_controls_but_the_reviewed_exceptions()
    {
        var directory = Directory.CreateTempSubdirectory("cfn-guard-");
        try
        {
            var written = GuardMatrix.WriteAll(directory.FullName);

            var (exitCode, output) = CfnGuard.Validate(CfnGuard.Exceptions, directory.FullName);

            Assert.True(exitCode == 0, output);
            Assert.Contains($"{written} passed, 0 failed", output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_template_breaking_a_control_fails_naming_the_control_and_the_resource()
    {
        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.ProductionWithCustomDomain() with { ReleaseDeployed = true }, 42);
        var broken = stack with
        {
            TemplateBody = Text.ReplaceOnce(Text.ReplaceOnce(stack.TemplateBody, "              Encrypted: true", "              Encrypted: false"),
                "        - Key: deletion_protection.enabled\n          Value: !If [ProtectLoadBalancer, \"true\", \"false\"]\n", ""),
        };

        var (exitCode, output) = Guard(("production.json", ConcreteTemplate.Json(broken)));

        Assert.Equal(1, exitCode);
        Assert.Contains("production.json: CT.EC2.PR.14 LaunchTemplate (ec2_launch_template_encrypted_volumes_check)", output);
        Assert.Contains("production.json: CT.ELASTICLOADBALANCING.PR.5 DedicatedLoadBalancer", output);
        Assert.Contains("0 passed, 1 failed", output);
    }

    [Fact]
    public void An_exception_that_excuses_nothing_fails_the_run_so_the_file_stays_short()
    {
        var stack = RenderInputs.Renderer().RenderInfrastructure(RenderInputs.Order(EnvironmentKind.Dev));
        var exceptions = """[{ "control": "CT.S3.PR.1", "resources": ["ArtifactBucket"], "reason": "An exception for a bucket this template does not have at all." }]""";

        var (exitCode, output) = Guard(("infrastructure.json", ConcreteTemplate.Json(stack)), exceptions);

        Assert.Equal(1, exitCode);
        Assert.Contains("exceptions: CT.S3.PR.1 [ArtifactBucket] excused nothing; remove it", output);
    }

    [Fact]
    public void An_exception_without_a_reason_is_refused()
    {
        var stack = RenderInputs.Renderer().RenderInfrastructure(RenderInputs.Order(EnvironmentKind.Dev));

        var (exitCode, output) = Guard(("infrastructure.json", ConcreteTemplate.Json(stack)), """[{ "control": "CT.S3.PR.1", "resources": ["ArtifactBucket"], "reason": "n/a" }]""");

        Assert.Equal(2, exitCode);
        Assert.Contains("\"reason\" must say why the control does not apply", output);
    }

    private static (int ExitCode, string Output) Guard((string Name, string Json) template, string exceptions = "[]")
    {
        var directory = Directory.CreateTempSubdirectory("cfn-guard-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, template.Name), template.Json);
            var exceptionsFile = Path.Combine(directory.FullName, "exceptions.txt");
            File.WriteAllText(exceptionsFile, exceptions);
            return CfnGuard.Validate(exceptionsFile, Path.Combine(directory.FullName, template.Name));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

/// <summary>The orders the guard test renders: each environment, database engine, domain and deployment style.</summary>
public static class GuardMatrix
{
    public static int WriteAll(string directory)
    {
        var seen = new HashSet<string>();
        var count = 0;
        void Write(string name, string json)
        {
            if (!seen.Add(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))))
                return;
            File.WriteAllText(Path.Combine(directory, name + ".json"), json);
            count++;
        }

        Write("platform-new-network", ConcreteTemplate.Json(RenderInputs.Catalog.GetBody(TemplateCatalog.Platform), PlatformParameters(createNetwork: true)));
        Write("platform-existing-network", ConcreteTemplate.Json(RenderInputs.Catalog.GetBody(TemplateCatalog.Platform), PlatformParameters(createNetwork: false)));
        Write("portal-iam", ConcreteTemplate.Json(File.ReadAllText(Path.Combine(Repository.Templates, "portal-iam.yaml")),
        [
            new("PermissionsBoundaryArn", RenderInputs.Platform().PermissionsBoundaryArn),
            new("CloudFormationServiceRoleArn", "arn:aws:iam::123456789012:role/portal-cloudformation"),
            new("ArtifactBucketName", RenderInputs.Platform().ArtifactBucket),
            new("KmsKeyArn", RenderInputs.Platform().KmsKeyArn),
        ]));
        foreach (var (name, order) in Matrix())
        {
            var plan = RenderInputs.Renderer().Render(order, listenerPriority: 42);
            Write($"infrastructure-{order.EnvironmentName}", ConcreteTemplate.Json(plan.Infrastructure));
            Write($"software-{name}", ConcreteTemplate.Json(plan.Software));
        }
        return count;
    }

    /// <summary>
    /// Each environment kind, database engine, domain and deployment style, with a release deployed (the steady
    /// state); blue/green with either side live; and, per environment kind, the state before the first release.
    /// </summary>
    private static IEnumerable<(string Name, HostEnvironmentOrder Order)> Matrix()
    {
        foreach (var kind in new[] { EnvironmentKind.Dev, EnvironmentKind.Staging, EnvironmentKind.Production })
        {
            foreach (var engine in new[] { "none", "postgres", "mysql" })
                foreach (var customDomain in new[] { false, true })
                    foreach (var style in Enum.GetValues<DeploymentStyle>())
                    {
                        var order = Order(kind, engine, customDomain, style) with { ReleaseDeployed = true };
                        var name = $"{order.EnvironmentName}-{engine}-{(customDomain ? "custom-domain" : "shared-domain")}-{style.ToString().ToLowerInvariant()}";
                        if (style != DeploymentStyle.BlueGreen)
                            yield return (name, order);
                        else
                        {
                            yield return ($"{name}-blue-live", order);
                            yield return ($"{name}-green-live", order with { LiveColour = LiveColour.Green });
                        }
                    }
            yield return ($"{EnvironmentNames.Of(kind)}-postgres-shared-domain-inplace-first-release-pending", Order(kind, "postgres", false, DeploymentStyle.InPlace));
        }
    }

    private static HostEnvironmentOrder Order(EnvironmentKind kind, string engine, bool customDomain, DeploymentStyle style)
    {
        var host = RenderInputs.Host();
        host.Database.Engine = engine;
        host.DeploymentStyle = style;
        if (customDomain)
            host.Domain = new DomainOptions { CustomDomain = "www.acme.example", CertificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234" };
        return RenderInputs.Order(kind, host);
    }

    private static List<StackParameter> PlatformParameters(bool createNetwork) =>
    [
        new("CertificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/wildcard-apps"),
        new("CreateNetwork", createNetwork ? "true" : "false"),
        .. createNetwork ? Array.Empty<StackParameter>() :
        [
            new StackParameter("ExistingVpcId", "vpc-0123456789abcdef0"),
            new StackParameter("ExistingPublicSubnetIds", "subnet-0000000000000000a,subnet-0000000000000000b"),
            new StackParameter("ExistingPrivateSubnetIds", "subnet-0000000000000001a,subnet-0000000000000001b"),
        ],
    ];
}
