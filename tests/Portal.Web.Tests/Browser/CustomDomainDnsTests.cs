using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Hosts;
using Portal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

/// <summary>The portal asking a real DNS server (npm dns2, tests/dns-server) whether custom domains point at their load balancers.</summary>
public sealed class CustomDomainDnsFixture : IAsyncLifetime, IPortalFixture
{
    private ProvisioningWorld world = null!;

    public DnsServer Dns { get; private set; } = null!;
    public PortalHost Portal => world.Portal;

    public async Task InitializeAsync()
    {
        Dns = await DnsServer.StartAsync();
        world = await ProvisioningWorld.StartAsync(new Dictionary<string, string?>(Dns.PortalSettings) { ["Jobs:RunServer"] = "false" });
    }

    public async Task DisposeAsync()
    {
        await world.DisposeAsync();
        await Dns.DisposeAsync();
    }
}

/// <summary>
/// In Chromium: a customer's production host with a custom domain shows, at the top of its page, the CNAME to create and
/// whether the DNS has it yet; "Check again" asks afresh. The operator's host page shows the same next to its record.
/// </summary>
public sealed class CustomDomainDnsTests(CustomDomainDnsFixture fixture) : PortalBrowserTests<CustomDomainDnsFixture>(fixture)
{
    private const string Password = "Customer#Pass1";

    [Fact]
    public async Task The_host_page_shows_the_record_to_create_and_sees_it_resolve_after_check_again()
    {
        var customer = await SignInPage.SignInAsNewCustomerAsync(Page, Fixture.Portal, Password);
        var domain = $"www-{Guid.NewGuid().ToString("N")[..8]}.acme.example";
        var loadBalancer = $"portal-{Guid.NewGuid().ToString("N")[..6]}-dlb-1234567890.eu-west-1.elb.amazonaws.com";
        var host = await Fixture.Portal.WithScopeAsync(services => new TestHostBuilder("shop")
            .OfCustomer(customer.CustomerId!.Value)
            .WithEnvironments(EnvironmentKind.Dev, EnvironmentKind.Production)
            .Provisioned()
            .Configure(h =>
            {
                h.Domain.CustomDomain = domain;
                h.Domain.CertificateArn = "arn:aws:acm:eu-west-1:000000000000:certificate/00000000-0000-0000-0000-000000000001";
                h.Environments.Single(e => e.Kind == EnvironmentKind.Production).Outputs[HostDnsRecords.DedicatedLoadBalancerDnsName] = loadBalancer;
            })
            .SaveAsync(services.GetRequiredService<PortalDbContext>()));

        await Page.SetViewportSizeAsync(PageLayout.LaptopWidth, 768);
        await Page.GotoAsync("/hosts/shop");
        await SignInPage.WaitUntilInteractiveAsync(Page);

        var panel = Page.GetByTestId("custom-domain-dns");
        await Expect(panel.GetByTestId("custom-domain-dns-name")).ToHaveTextAsync(domain);
        await Expect(panel.GetByTestId("custom-domain-dns-type")).ToHaveTextAsync("CNAME");
        await Expect(panel.GetByTestId("custom-domain-dns-value")).ToHaveTextAsync(loadBalancer);
        await Expect(panel.GetByTestId("copy-dns-value")).ToBeVisibleAsync();
        var status = panel.GetByTestId("custom-domain-dns-status");
        await Expect(status).ToHaveAttributeAsync("data-status", nameof(DnsCheckOutcome.NotYet));
        await Expect(status.GetByTestId("custom-domain-dns-status-text")).ToHaveTextAsync("Does not resolve yet");
        Assert.True(await PageLayout.InFirstScreenAsync(Page, panel), "The DNS record should be in the first screen at 1366 px.");

        // The customer creates the record; the page keeps its answer until asked again.
        await Fixture.Dns.CnameAsync(domain, loadBalancer + ".");
        await status.GetByTestId("custom-domain-dns-status-check-again").ClickAsync();
        await Expect(status).ToHaveAttributeAsync("data-status", nameof(DnsCheckOutcome.PointsAtLoadBalancer));
        await Expect(status.GetByTestId("custom-domain-dns-status-text")).ToHaveTextAsync("Points at the load balancer");

        // A phone: the answer is kept a while (the page asks nothing new), everything fits its card, and the button still works.
        await Page.SetViewportSizeAsync(PageLayout.PhoneWidth, 844);
        await Page.GotoAsync("/hosts/shop");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(status).ToHaveAttributeAsync("data-status", nameof(DnsCheckOutcome.PointsAtLoadBalancer));
        Assert.Empty(await PageLayout.OverflowsAsync(Page));
        await Fixture.Dns.CnameAsync(domain, "old-shop.example.net");
        await status.GetByTestId("custom-domain-dns-status-check-again").ClickAsync();
        await Expect(status).ToHaveAttributeAsync("data-status", nameof(DnsCheckOutcome.Elsewhere));
        await Expect(status.GetByTestId("custom-domain-dns-status-text")).ToHaveTextAsync("Points elsewhere (old-shop.example.net)");

        // The operator's host page shows the check next to the record it lists.
        var operatorUser = await Fixture.Portal.CreateUserAsync(PortalRoles.Operator, $"{Guid.NewGuid():N}@ops.example", Password);
        var ops = await SignedInPageAsync(operatorUser.Email!, Password);
        await Expect(ops.GetByTestId("nav-fleet")).ToBeVisibleAsync();
        await ops.GotoAsync($"/operations/hosts/{host.Id}");
        await SignInPage.WaitUntilInteractiveAsync(ops);
        var record = ops.GetByTestId("environment-operations-production").GetByTestId("dns-record");
        await Expect(record).ToContainTextAsync(domain);
        await Expect(record.GetByTestId("dns-record-status")).ToHaveAttributeAsync("data-status", nameof(DnsCheckOutcome.Elsewhere));
    }
}
