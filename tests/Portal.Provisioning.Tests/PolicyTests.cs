using Portal.Data.Entities;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Tests;

public class PolicyTests
{
    private readonly TemplatePolicy _policy = new();

    public static TheoryData<string> CompliantOrders => ["dev", "staging", "staging-with-approval", "production", "production-custom-domain-blue-green", "production-zonal-no-database"];

    [Theory]
    [MemberData(nameof(CompliantOrders))]
    public void The_real_templates_pass_for_every_kind_of_order(string order)
    {
        var plan = RenderInputs.Renderer().Render(OrderNamed(order), listenerPriority: 42);

        Assert.Empty(_policy.Check(plan.Infrastructure));
        Assert.Empty(_policy.Check(plan.Software));
    }

    [Fact]
    public void The_platform_template_passes_with_its_load_balancer_open_on_80_and_443()
    {
        Assert.Empty(_policy.Check(Platform(RenderInputs.Catalog.GetBody(TemplateCatalog.Platform))));
    }

    [Theory]
    [InlineData("PubliclyAccessible: false", "PubliclyAccessible: true", "rds-not-public: DatabaseInstance sets PubliclyAccessible true")]
    [InlineData("      PubliclyAccessible: false\n", "", "rds-not-public: DatabaseInstance does not set PubliclyAccessible false")]
    [InlineData("StorageEncrypted: true", "StorageEncrypted: false", "storage-encrypted: DatabaseInstance does not set StorageEncrypted true")]
    [InlineData("              Encrypted: true", "              Encrypted: false", "storage-encrypted: LaunchTemplate has an EBS volume without Encrypted true")]
    [InlineData("HttpTokens: required", "HttpTokens: optional", "imdsv2-required: LaunchTemplate does not set MetadataOptions.HttpTokens required (IMDSv2)")]
    [InlineData("DeletionProtection: !If [ProtectDatabase, true, false]", "DeletionProtection: !If [IsProduction, false, true]", "rds-deletion-protection: DatabaseInstance is a production database without DeletionProtection true")]
    [InlineData("SslPolicy: !Ref SslPolicy", "SslPolicy: ELBSecurityPolicy-2016-08", "https-tls12: DedicatedHttpsListener uses SslPolicy ELBSecurityPolicy-2016-08, not a TLS 1.2+ policy")]
    [InlineData("      SslPolicy: !Ref SslPolicy\n", "", "https-tls12: DedicatedHttpsListener uses SslPolicy (default, allows TLS 1.0), not a TLS 1.2+ policy")]
    [InlineData("SourceSecurityGroupId: !If [HasCustomDomain, !GetAtt DedicatedLoadBalancerSecurityGroup.GroupId, !Ref LoadBalancerSecurityGroupId]", "CidrIp: 0.0.0.0/0",
        "no-open-ingress: InstanceSecurityGroup allows ingress from 0.0.0.0/0 on tcp")]
    [InlineData("          FromPort: 443\n          ToPort: 443\n          CidrIp: 0.0.0.0/0", "          FromPort: 22\n          ToPort: 22\n          CidrIpv6: ::/0",
        "no-open-ingress: DedicatedLoadBalancerSecurityGroup allows ingress from ::/0 on tcp 22-22")]
    public void Each_rule_catches_a_production_stack_that_breaks_it(string compliant, string violating, string expected)
    {
        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.ProductionWithCustomDomain(), 42);
        var broken = stack with { TemplateBody = Text.ReplaceOnce(stack.TemplateBody, compliant, violating) };

        var violations = _policy.Check(broken).Select(v => v.ToString()).ToList();

        Assert.Contains(violations, v => v.StartsWith(expected, StringComparison.Ordinal));
        Assert.NotEqual(stack.TemplateHash, broken.TemplateHash);
    }

    [Fact]
    public void An_unencrypted_bucket_and_an_HTTPS_listener_without_a_TLS_1_2_policy_are_caught_in_the_platform()
    {
        var body = RenderInputs.Catalog.GetBody(TemplateCatalog.Platform);
        body = Text.ReplaceOnce(body, "      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: AES256\n", "");
        body = Text.ReplaceOnce(body, "      SslPolicy: !Ref SslPolicy\n", "      SslPolicy: ELBSecurityPolicy-TLS-1-1-2017-01\n");

        var violations = _policy.Check(Platform(body)).Select(v => v.ToString()).ToList();

        Assert.Equal(
            ["storage-encrypted: AccessLogBucket has no default encryption (BucketEncryption)",
             "https-tls12: HttpsListener uses SslPolicy ELBSecurityPolicy-TLS-1-1-2017-01, not a TLS 1.2+ policy"],
            violations);
    }

    [Fact]
    public void Open_ingress_through_a_separate_ingress_resource_is_caught()
    {
        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev), 42);
        var broken = stack with
        {
            TemplateBody = Text.ReplaceOnce(stack.TemplateBody, "  # ---------- compute ----------\n",
                "  SshFromAnywhere:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt InstanceSecurityGroup.GroupId\n      IpProtocol: tcp\n      FromPort: 443\n      ToPort: 443\n      CidrIp: 0.0.0.0/0\n\n"),
        };

        var violation = Assert.Single(_policy.Check(broken));

        Assert.Equal(TemplatePolicy.NoOpenIngress, violation.RuleId);
        Assert.Equal("SshFromAnywhere", violation.LogicalId);
    }

    [Fact]
    public void Deletion_protection_is_required_of_production_only_and_lifted_only_to_decommission()
    {
        var renderer = RenderInputs.Renderer();
        var unprotected = (RenderedStack s) => s with { TemplateBody = Text.ReplaceOnce(s.TemplateBody, "DeletionProtection: !If [ProtectDatabase, true, false]", "DeletionProtection: false") };

        var dev = renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev), 42);
        var decommission = renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Production), 42, purpose: StackPurpose.Decommission);

        Assert.Empty(_policy.Check(unprotected(dev)));
        Assert.Equal("false", decommission.Parameter("DatabaseDeletionProtection"));
        Assert.Empty(_policy.Check(decommission));
        Assert.Single(_policy.Check(decommission with { Purpose = StackPurpose.Provision }), v => v.RuleId == TemplatePolicy.DatabaseDeletionProtection);
    }

    [Fact]
    public void Resources_switched_off_by_a_condition_are_not_checked()
    {
        var host = RenderInputs.Host();
        host.Database.Engine = "none";
        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev, host), 42);

        var broken = stack with { TemplateBody = Text.ReplaceOnce(stack.TemplateBody, "PubliclyAccessible: false", "PubliclyAccessible: true") };

        Assert.Empty(_policy.Check(broken));
    }

    [Fact]
    public void A_violation_stops_provisioning_with_a_message_naming_rule_and_resource()
    {
        var stack = RenderInputs.Renderer().RenderSoftware(RenderInputs.Order(EnvironmentKind.Production), 42);
        var broken = stack with { TemplateBody = Text.ReplaceOnce(stack.TemplateBody, "PubliclyAccessible: false", "PubliclyAccessible: true") };

        var error = Assert.Throws<PolicyViolationException>(() => _policy.EnsureCompliant(broken));

        Assert.Equal($"Stack {stack.StackName} breaks the template policy: rds-not-public: DatabaseInstance sets PubliclyAccessible true", error.Message);
        _policy.EnsureCompliant(stack);
    }

    private static HostEnvironmentOrder OrderNamed(string name) => name switch
    {
        "dev" => RenderInputs.Order(EnvironmentKind.Dev),
        "staging" => RenderInputs.Order(EnvironmentKind.Staging),
        "staging-with-approval" => RenderInputs.Order(EnvironmentKind.Staging, requiresApproval: true),
        "production" => RenderInputs.Order(EnvironmentKind.Production),
        "production-custom-domain-blue-green" => RenderInputs.ProductionWithCustomDomain(DeploymentStyle.BlueGreen),
        "production-zonal-no-database" => WithoutDatabase(RenderInputs.ProductionWithCustomDomain(DeploymentStyle.Zonal)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static HostEnvironmentOrder WithoutDatabase(HostEnvironmentOrder order)
    {
        order.Host.Database.Engine = "none";
        return order;
    }

    private static RenderedStack Platform(string body) => new(
        "portal-platform", StackLayer.Infrastructure, StackPurpose.Provision, TemplateCatalog.Platform, body,
        [new StackParameter("CertificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234")],
        [new StackTag(RenderedStack.EnvironmentTag, "platform")]);
}
