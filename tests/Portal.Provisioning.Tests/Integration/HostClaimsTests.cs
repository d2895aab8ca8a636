using Microsoft.Extensions.DependencyInjection;
using Portal.AwsEmulator.CertificateManager;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Orders;
using Portal.Provisioning.Tests.Orders;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>
/// A custom domain, its certificate and a GitLab project belong to one live host, and a certificate must be the
/// platform's own (ACM in its account and region, issued, covering the domain). Refusals are field errors; nothing is saved.
/// </summary>
public sealed class HostClaimsTests : IAsyncLifetime
{
    private const string PlatformAccount = "000000000000"; // the Development platform's (appsettings.Development.json)
    private ProvisioningWorld world = null!;

    public async Task InitializeAsync() =>
        world = await ProvisioningWorld.StartAsync(new Dictionary<string, string?> { ["Jobs:RunServer"] = "false" });

    public async Task DisposeAsync() => await world.DisposeAsync();

    private HostOrders Orders => world.Portal.Services.GetRequiredService<HostOrders>();

    [Fact]
    public async Task An_issued_certificate_of_the_platform_covering_the_domain_is_accepted()
    {
        var certificate = await CertificateAsync("*.shop.example", "shop.example");

        var created = await Orders.CreateAsync(Actor.System, await CustomerAsync(), Order("www.shop.example", certificate));

        Assert.IsType<OrderOutcome.Created>(created);
    }

    [Fact]
    public async Task A_certificate_that_does_not_cover_the_domain_is_a_field_error()
    {
        var certificate = await CertificateAsync("*.shop.example");

        // A wildcard covers one label only: not a.b.shop.example, not shop.example itself.
        foreach (var domain in new[] { "a.b.shop.example", "shop.example", "www.other.example" })
        {
            var errors = await RefusedAsync(Order(domain, certificate));
            Assert.Equal($"The certificate is for *.shop.example, not {domain}.", Assert.Single(errors[HostOrderFields.CertificateArn]));
        }
    }

    [Theory]
    [InlineData("PENDING_VALIDATION")]
    [InlineData("EXPIRED")]
    [InlineData("REVOKED")]
    public async Task A_certificate_that_is_not_issued_is_a_field_error(string status)
    {
        var certificate = await CertificateAsync("www.shop.example", status: status);

        var errors = await RefusedAsync(Order("www.shop.example", certificate));

        Assert.Contains($"is {status}, not ISSUED", Assert.Single(errors[HostOrderFields.CertificateArn]));
    }

    [Theory]
    [InlineData("arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666")] // another account
    [InlineData("arn:aws:acm:eu-west-1:000000000000:certificate/0a1b2c3d-1111-2222-3333-444455556666")] // another region
    public async Task A_certificate_outside_the_platforms_account_or_region_is_a_field_error(string arn)
    {
        var errors = await RefusedAsync(Order("www.shop.example", arn));

        Assert.Contains("must be in the platform's AWS account (000000000000) and region (us-east-1)", Assert.Single(errors[HostOrderFields.CertificateArn]));
    }

    [Fact]
    public async Task A_certificate_ACM_does_not_have_is_a_field_error()
    {
        var errors = await RefusedAsync(Order("www.shop.example", $"arn:aws:acm:us-east-1:{PlatformAccount}:certificate/0a1b2c3d-1111-2222-3333-444455556666"));

        Assert.Equal("ACM has no such certificate in the platform's account: check the ARN.", Assert.Single(errors[HostOrderFields.CertificateArn]));
    }

    [Fact]
    public async Task A_name_under_the_platforms_base_domain_is_never_a_custom_domain()
    {
        var certificate = await CertificateAsync("*.apps.demo.portal");

        var errors = await RefusedAsync(Order("shop-production.other.apps.demo.portal", certificate));

        Assert.Contains("are the platform's own", Assert.Single(errors[HostOrderFields.CustomDomain]));
    }

    [Fact]
    public async Task A_domain_and_a_project_belong_to_one_live_host_and_are_free_again_once_it_is_decommissioned()
    {
        var certificate = await CertificateAsync("www.taken.example");
        var first = Assert.IsType<OrderOutcome.Created>(await Orders.CreateAsync(Actor.System, await CustomerAsync(), Order("www.taken.example", certificate)));

        // Another tenant (or the same one) cannot claim either, in any case of letters.
        var second = Order("www.taken.example", certificate);
        second.GitLabProjectPath = second.GitLabProjectPath!.ToUpperInvariant();
        var errors = await RefusedAsync(second);
        Assert.Equal("Another host already serves this domain.", Assert.Single(errors[HostOrderFields.CustomDomain]));
        Assert.Contains("Another host already deploys from this GitLab project", Assert.Single(errors[HostOrderFields.GitLabProjectPath]));

        await world.Portal.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            var host = await db.Hosts.FindAsync(first.HostId);
            host!.State = HostState.Decommissioned;
            return await db.SaveChangesAsync();
        });
        Assert.IsType<OrderOutcome.Created>(await Orders.CreateAsync(Actor.System, await CustomerAsync(), Order("www.taken.example", certificate)));
    }

    private async Task<Dictionary<string, string[]>> RefusedAsync(HostOrder order)
    {
        var customer = await CustomerAsync();
        var outcome = await Orders.CreateAsync(Actor.System, customer, order);
        var refused = Assert.IsType<OrderOutcome.Invalid>(outcome);
        Assert.Equal(0, await world.Portal.WithScopeAsync(s => Task.FromResult(s.GetRequiredService<PortalDbContext>().Hosts.Count(h => h.CustomerId == customer))));
        return refused.Errors.ToDictionary(e => e.Key, e => e.Value);
    }

    private Task<string> CertificateAsync(string domain, string? alternativeName = null, string status = "ISSUED") =>
        world.Emulator.SeedCertificateAsync(new SeedCertificate
        {
            DomainName = domain,
            SubjectAlternativeNames = alternativeName is null ? [] : [alternativeName],
            Status = status,
        });

    private Task<Guid> CustomerAsync() => world.Portal.WithScopeAsync(async services =>
    {
        var db = services.GetRequiredService<PortalDbContext>();
        var slug = "c" + Guid.NewGuid().ToString("N")[..10];
        var customer = new Customer { Name = slug, Slug = slug };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer.Id;
    });

    private static HostOrder Order(string domain, string certificateArn)
    {
        var order = ValidOrders.DevAndProduction();
        order.GitLabProjectPath = domain == "www.taken.example" ? "acme/shop" : ProvisioningWorld.NextProject();
        order.GitLabToken = ProvisioningWorld.GitLabToken;
        order.GitLabProjectUrl = $"https://gitlab.example.com/{order.GitLabProjectPath}.git";
        order.CustomDomain = domain;
        order.CertificateArn = certificateArn;
        return order;
    }
}
