using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Tests.Support;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Security;
using Portal.Provisioning.Orders;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

public sealed partial class CustomerJourneyTests(PortalFixture fixture) : PortalBrowserTests(fixture)
{
    private const string Password = "Customer#Pass1";
    [Fact]
    public async Task A_customer_orders_a_host_with_dev_and_production_and_lands_on_its_page_with_the_token_shown_once()
    {
        var customer = await SignInAsNewCustomerAsync();
        await Page.GetByTestId("order-host").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Order a host" })).ToBeVisibleAsync();

        await Page.Locator("#order-name").FillAsync("shop");
        await Page.GetByTestId("env-production").ClickAsync();
        await Expect(Page.GetByTestId("production-options")).ToBeVisibleAsync();
        var smallPrice = await CostTotalAsync();
        await ChooseAsync("order-plan", "medium");
        await Expect(Page.GetByTestId("cost-total")).Not.ToHaveTextAsync(smallPrice);
        var mediumPrice = await CostTotalAsync();
        Assert.True(Money(mediumPrice) > Money(smallPrice), $"{mediumPrice} should be more than {smallPrice}");

        var project = ProvisioningWorld.NextProject();
        await Page.Locator("#order-gitlab-path").FillAsync(project);
        await Page.Locator("#order-gitlab-url").FillAsync($"https://gitlab.example.com/{project}.git");
        await Page.Locator("#order-gitlab-token").FillAsync(ProvisioningWorld.GitLabToken);
        await Page.Locator("#order-health").FillAsync("/health");
        await Page.Locator("#order-approvers").FillAsync("ops@acme.example, cto@acme.example");
        var domain = $"www-{Guid.NewGuid().ToString("N")[..8]}.acme.example";
        await Page.Locator("#order-domain").FillAsync(domain);
        await Page.Locator("#order-certificate").FillAsync(await CertificateForAsync(domain));
        // The custom domain's dedicated load balancer is in the estimate.
        await Expect(Page.GetByTestId("cost-estimate")).ToContainTextAsync("Dedicated load balancer");
        await Page.GetByTestId("order-submit").ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("/hosts/shop$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "shop" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", new Regex("^(Provisioning|Active)$"));
        await Expect(Page.GetByTestId("environment-dev")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("environment-production")).ToContainTextAsync("master");
        await Expect(Page.GetByTestId("webhook-url")).ToHaveTextAsync($"{Fixture.Portal.BaseUrl.ToString().TrimEnd('/')}/hooks/gitlab");
        await Expect(Page.GetByTestId("copy-webhook-token")).ToBeVisibleAsync();
        var token = await Page.GetByTestId("webhook-token-value").InnerTextAsync();
        Assert.StartsWith(HostWebhook.TokenPrefix, token);

        var host = await DbAsync(db => db.Hosts.Include(h => h.Environments).SingleAsync(h => h.CustomerId == customer.CustomerId && h.Name == "shop"));
        Assert.Equal(SecretToken.Hash(token), host.WebhookTokenHash);
        Assert.Equal(("medium", domain), (host.Plan, host.Domain.CustomDomain));
        Assert.Equal([EnvironmentKind.Dev, EnvironmentKind.Production], host.Environments.Select(e => e.Kind).Order());

        // The browser's cookie works for the API too.
        var api = await Context.APIRequest.GetAsync("/api/v1/hosts/shop");
        Assert.Equal(200, api.Status);

        // Shown once: a reload shows the URL but not the token.
        await Page.ReloadAsync();
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("webhook-url")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("webhook-token-value")).ToHaveCountAsync(0);
        await Expect(Page.Locator("body")).Not.ToContainTextAsync(token);
    }

    [Fact]
    public async Task Bad_input_shows_errors_next_to_the_fields_and_saves_nothing()
    {
        var customer = await SignInAsNewCustomerAsync();
        await Page.GotoAsync("/hosts/new");
        await SignInPage.WaitUntilInteractiveAsync(Page);

        await Page.Locator("#order-name").FillAsync("Bad Name");
        await Expect(Page.GetByText("Use lower-case letters, digits and single hyphens")).ToBeVisibleAsync();
        await Page.GetByTestId("env-production").ClickAsync();
        var project = ProvisioningWorld.NextProject();
        await Page.Locator("#order-gitlab-path").FillAsync(project);
        await Page.Locator("#order-gitlab-url").FillAsync($"https://gitlab.example.com/{project}.git");
        await Page.Locator("#order-gitlab-token").FillAsync(ProvisioningWorld.GitLabToken);
        await Page.Locator("#order-approvers").FillAsync("not-an-email");
        var domain = $"www-{Guid.NewGuid().ToString("N")[..8]}.acme.example";
        await Page.Locator("#order-domain").FillAsync(domain);
        await Page.GetByTestId("order-submit").ClickAsync();

        await Expect(Page.GetByTestId("order-failure")).ToBeVisibleAsync();
        await Expect(Page.GetByText("'not-an-email' is not an e-mail address.")).ToBeVisibleAsync();
        await Expect(Page.GetByText("A custom domain needs the ARN of its ACM certificate.")).ToBeVisibleAsync();
        await Expect(Page.GetByText("Use lower-case letters, digits and single hyphens")).ToBeVisibleAsync();

        await Page.Locator("#order-certificate").FillAsync("arn:aws:iam::123456789012:server-certificate/shop");
        await Expect(Page.GetByText("Enter an ACM certificate ARN such as")).ToBeVisibleAsync();
        await Expect(Page.GetByText("A custom domain needs the ARN of its ACM certificate.")).ToHaveCountAsync(0);

        await Page.GetByTestId("order-submit").ClickAsync();
        await Expect(Page.GetByTestId("order-failure")).ToBeVisibleAsync();
        Assert.EndsWith("/hosts/new", Page.Url);
        Assert.Equal(0, await DbAsync(db => db.Hosts.CountAsync(h => h.CustomerId == customer.CustomerId)));

        // Fixing the fields makes the same form go through.
        await Page.Locator("#order-name").FillAsync("good-name");
        await Page.Locator("#order-approvers").FillAsync("ops@acme.example");
        await Page.Locator("#order-certificate").FillAsync(await CertificateForAsync(domain));
        await Page.GetByTestId("order-submit").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/hosts/good-name$"));
    }

    [Fact]
    public async Task My_hosts_lists_only_the_customers_hosts_and_searches_on_the_server()
    {
        var customer = await SignInAsNewCustomerAsync();
        var other = await Fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"{Guid.NewGuid():N}@example.test", Password);
        await OrderAsync(customer, "shop-frontend");
        var billing = await OrderAsync(customer, "billing");
        await OrderAsync(other, "shop-secret");

        await Page.GotoAsync("/hosts");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        var table = Page.GetByTestId("hosts-table");
        await Expect(table.GetByTestId("host-link")).ToHaveTextAsync(["billing", "shop-frontend"]);

        await Page.Locator("#hosts-search").FillAsync("shop");
        await Expect(table.GetByTestId("host-link")).ToHaveTextAsync(["shop-frontend"]);
        await Expect(table).Not.ToContainTextAsync("shop-secret");

        await Page.Locator("#hosts-search").FillAsync(billing); // the GitLab project's path
        await Expect(table.GetByTestId("host-link")).ToHaveTextAsync(["billing"]);

        await Page.Locator("#hosts-search").FillAsync("nothing-like-this");
        await Expect(Page.GetByTestId("hosts-none-found")).ToBeVisibleAsync();

        await Page.Locator("#hosts-search").FillAsync("front");
        await table.GetByTestId("host-link").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/hosts/shop-frontend$"));

        // Another customer's host is not found, not shown.
        await Page.GotoAsync("/hosts/shop-secret");
        await Expect(Page.GetByTestId("host-not-found")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Stack_events_arrive_on_the_host_page_without_a_reload_until_the_host_is_active()
    {
        var customer = await SignInAsNewCustomerAsync();
        // Slow enough that the page shows provisioning under way before it ends.
        await Fixture.Emulator.SetTimingsAsync(new Portal.AwsEmulator.TimingSettings { ResourceDelay = TimeSpan.FromMilliseconds(150) });
        try
        {
            await OrderAsync(customer, "live");
            await Page.GotoAsync("/hosts/live");
            await SignInPage.WaitUntilInteractiveAsync(Page);
            await Page.EvaluateAsync("() => window.__sameDocument = true");
            var events = Page.GetByTestId("events-dev");

            await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Provisioning");
            await Expect(events.GetByTestId("event-row").First).ToBeVisibleAsync();
            // The page shows the latest events, newest first: new ones arriving change the top row.
            var early = await events.GetByTestId("event-row").First.InnerTextAsync();

            await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Active", new() { Timeout = 60_000 });
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Active");
            await Expect(events.GetByTestId("event-row").First).Not.ToHaveTextAsync(early);
            await Expect(events.GetByTestId("event-row").First).ToContainTextAsync("Created");
            var siteUrl = await DbAsync(db => db.HostEnvironments.Where(e => e.Host.CustomerId == customer.CustomerId && e.Host.Name == "live")
                .Select(e => e.Outputs["SiteUrl"]).SingleAsync());
            await Expect(Page.GetByTestId("site-url-dev")).ToHaveAttributeAsync("href", siteUrl);
            Assert.StartsWith("https://live-dev--", siteUrl); // one label below the base domain
            Assert.True(await Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");
        }
        finally
        {
            await Fixture.Emulator.SetTimingsAsync(new Portal.AwsEmulator.TimingSettings { ResourceDelay = TimeSpan.FromMilliseconds(10) });
        }
    }

    [Fact]
    public async Task Regenerating_the_webhook_token_shows_the_new_one_once_and_replaces_the_old()
    {
        var customer = await SignInAsNewCustomerAsync();
        await OrderAsync(customer, "hooks");
        await Page.GotoAsync("/hosts/hooks");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("webhook-token-value")).ToHaveCountAsync(0);
        var before = await DbAsync(db => db.Hosts.Where(h => h.CustomerId == customer.CustomerId && h.Name == "hooks").Select(h => h.WebhookTokenHash).SingleAsync());

        await Page.GetByTestId("regenerate-token").ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Regenerate", Exact = true }).ClickAsync();

        var token = await Page.GetByTestId("webhook-token-value").InnerTextAsync();
        Assert.StartsWith(HostWebhook.TokenPrefix, token);
        var after = await DbAsync(db => db.Hosts.Where(h => h.CustomerId == customer.CustomerId && h.Name == "hooks").Select(h => h.WebhookTokenHash).SingleAsync());
        Assert.NotEqual(before, after);
        Assert.Equal(SecretToken.Hash(token), after);
        // Still shown after the page's next live refresh, gone after a reload.
        await Page.WaitForTimeoutAsync(2500);
        await Expect(Page.GetByTestId("webhook-token-value")).ToHaveTextAsync(token);
        await Page.ReloadAsync();
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("webhook-url")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("webhook-token-value")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_api_tokens_page_links_the_interactive_api_reference()
    {
        await SignInAsNewCustomerAsync();
        await Page.GotoAsync("/account/tokens");
        var href = await Page.GetByTestId("api-reference-link").GetAttributeAsync("href");

        await Page.GotoAsync(href!);

        // The reference has loaded the portal's OpenAPI document: its description and the Hosts operations.
        await Expect(Page.GetByText("Order and follow your hosts.").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(Page.GetByText("Hosts", new() { Exact = true }).First).ToBeVisibleAsync();
    }

    private Task<PortalUser> SignInAsNewCustomerAsync() => SignInPage.SignInAsNewCustomerAsync(Page, Fixture.Portal, Password);

    /// <summary>A dev host of a project of its own, ordered as the form would (the token check included).</summary>
    private Task<string> OrderAsync(PortalUser user, string name) => Fixture.Portal.WithScopeAsync(async services =>
    {
        var project = ProvisioningWorld.NextProject();
        var outcome = await services.GetRequiredService<HostOrders>().CreateAsync(new Actor(user.Id, user.Email!), user.CustomerId!.Value, new HostOrder
        {
            Name = name,
            Plan = "small",
            Environments = ["dev"],
            GitLabProjectPath = project,
            GitLabProjectUrl = $"https://gitlab.example.com/{project}",
            GitLabToken = ProvisioningWorld.GitLabToken,
        });
        Assert.IsType<OrderOutcome.Created>(outcome);
        return project;
    });

    private Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        Fixture.Portal.WithScopeAsync(services => work(services.GetRequiredService<PortalDbContext>()));

    private async Task ChooseAsync(string selectTestId, string optionStartingWith)
    {
        await Page.GetByTestId(selectTestId).ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^{Regex.Escape(optionStartingWith)}") }).ClickAsync();
    }

    private Task<string> CostTotalAsync() => Page.GetByTestId("cost-total").InnerTextAsync();

    private static decimal Money(string total) =>
        decimal.Parse(Regex.Match(total, @"[\d,]+\.\d{2}").Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
}
