using Portal.Provisioning.Orders;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Tests.Orders;

/// <summary>Orders that pass every rule, for tests to spoil one field at a time.</summary>
public static class ValidOrders
{
    public static HostOrderValidator Validator { get; } = new(new PlanCatalog(PlanCatalog.Defaults));

    public static HostOrder DevOnly() => new()
    {
        Name = "shop-api",
        Plan = "small",
        Environments = ["dev"],
        GitLabProjectPath = "acme/web/shop",
        GitLabProjectUrl = "https://gitlab.example.com/acme/web/shop.git",
    };

    public static HostOrder DevAndProduction() => new()
    {
        Name = "shop",
        Plan = "medium",
        Environments = ["dev", "production"],
        DevBranch = "develop",
        ProductionBranch = "main",
        GitLabProjectPath = "acme/shop",
        GitLabProjectUrl = "https://gitlab.example.com/acme/shop",
        HealthCheckPath = "/health",
        ApproverEmails = ["ops@acme.example", "cto@acme.example"],
        CustomDomain = "www.acme.example",
        CertificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
        DeploymentStyle = "blue-green",
        DatabaseEngine = "mysql",
        DatabaseStorageGb = 100,
        DatabaseMultiAz = true,
        MinInstances = 2,
        MaxInstances = 4,
    };
}
