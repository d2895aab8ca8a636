using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Tests.Support;
using Portal.AwsEmulator;
using Portal.AwsEmulator.Faults;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

// The whole life of a host in the browser: ordered, followed live to Active, its site opened, retried after a
// failure, decommissioned by typing its name. Provisioning runs for real against the emulator.
public sealed partial class CustomerJourneyTests
{
    private static readonly TimeSpan Provisioning = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_customer_orders_dev_and_production_follows_them_live_to_active_opens_the_site_and_decommissions_by_typing_the_name()
    {
        var customer = await SignInAsNewCustomerAsync();
        // Slow enough that the page shows each operation under way before it ends.
        await Fixture.Emulator.SetTimingsAsync(new TimingSettings { ResourceDelay = TimeSpan.FromMilliseconds(400) });
        try
        {
            await Page.GetByTestId("order-host").ClickAsync();
            await Page.Locator("#order-name").FillAsync("journey");
            await Page.GetByTestId("env-production").ClickAsync();
            var project = ProvisioningWorld.NextProject();
            await Page.Locator("#order-gitlab-path").FillAsync(project);
            await Page.Locator("#order-gitlab-url").FillAsync($"https://gitlab.example.com/{project}.git");
            await Page.Locator("#order-gitlab-token").FillAsync(ProvisioningWorld.GitLabToken);
            await Page.Locator("#order-approvers").FillAsync("ops@acme.example");
            var domain = $"journey-{Guid.NewGuid().ToString("N")[..8]}.acme.example";
            await Page.Locator("#order-domain").FillAsync(domain);
            await Page.Locator("#order-certificate").FillAsync(await CertificateForAsync(domain));
            await Page.GetByTestId("order-submit").ClickAsync();

            await Expect(Page).ToHaveURLAsync(new Regex("/hosts/journey$"));
            await SignInPage.WaitUntilInteractiveAsync(Page);
            await Page.EvaluateAsync("() => window.__sameDocument = true");

            // While it is provisioning, a decommission is refused with a message on the page.
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Provisioning");
            await ConfirmDecommissionAsync("journey");
            await Expect(Page.GetByTestId("action-refused")).ToContainTextAsync("is Provisioning; decommission when it has finished.");
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", new Regex("^(Provisioning|Active)$"));

            // Events arrive without a reload until both environments are Active.
            var devEvents = Page.GetByTestId("events-dev").GetByTestId("event-row");
            await Expect(devEvents.First).ToBeVisibleAsync();
            var early = await devEvents.First.InnerTextAsync();
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Active", new() { Timeout = (float)Provisioning.TotalMilliseconds });
            await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Active");
            await Expect(Page.GetByTestId("environment-state-production")).ToHaveAttributeAsync("data-state", "Active");
            // Newest first: later events replaced the top row.
            await Expect(devEvents.First).Not.ToHaveTextAsync(early);
            await Expect(Page.GetByTestId("events-production").GetByTestId("event-row").First).ToContainTextAsync("Created");
            await Expect(Page.GetByTestId("retry")).ToHaveCountAsync(0);

            // The production site is the custom domain; its link opens the site in a new tab. (No such site exists:
            // the browser context answers for it.)
            var site = Page.GetByTestId("site-url-production");
            await Expect(site).ToHaveAttributeAsync("href", $"https://{domain}");
            await Expect(site).ToHaveAttributeAsync("target", "_blank");
            await Context.RouteAsync(url => url.StartsWith($"https://{domain}", StringComparison.Ordinal),
                route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<h1>journey is live</h1>" }));
            var tab = await Page.RunAndWaitForPopupAsync(() => site.ClickAsync());
            await Expect(tab.GetByRole(AriaRole.Heading, new() { Name = "journey is live" })).ToBeVisibleAsync();
            Assert.Equal($"https://{domain}/", tab.Url);
            await tab.CloseAsync();
            await Expect(Page.GetByTestId("site-url-dev")).ToHaveAttributeAsync("href", new Regex("^https://journey-dev--"));

            // Decommissioning asks for the name; the button stays disabled until it matches.
            await Page.GetByTestId("decommission").ClickAsync();
            var dialog = Page.GetByRole(AriaRole.Dialog);
            await Expect(dialog).ToContainTextAsync("This cannot be undone.");
            var confirm = dialog.GetByTestId("decommission-confirm");
            await Expect(confirm).ToBeDisabledAsync();
            await dialog.Locator("#decommission-confirmation").FillAsync("journe");
            await Expect(confirm).ToBeDisabledAsync();
            await dialog.Locator("#decommission-confirmation").FillAsync("Journey");
            await Expect(confirm).ToBeDisabledAsync();
            await dialog.GetByTestId("decommission-cancel").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Active");

            await ConfirmDecommissionAsync("journey");
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Decommissioning");
            await Expect(Page.GetByTestId("host-decommissioning")).ToBeVisibleAsync();
            await Expect(Page.GetByTestId("decommission")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("events-dev")).ToContainTextAsync("Deleting", new() { Timeout = (float)Provisioning.TotalMilliseconds });
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Decommissioned", new() { Timeout = (float)Provisioning.TotalMilliseconds });

            // Read-only from now on: no actions, no outputs, no webhook, no estimate; the record stays.
            await Expect(Page.GetByTestId("host-decommissioned")).ToBeVisibleAsync();
            await Expect(Page.GetByTestId("environment-state-production")).ToHaveAttributeAsync("data-state", "Decommissioned");
            await Expect(Page.GetByTestId("retry")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("decommission")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("webhook")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("site-url-production")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("cost-estimate")).ToHaveCountAsync(0);
            Assert.True(await Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");

            var hostId = await DbAsync(db => db.Hosts.Where(h => h.CustomerId == customer.CustomerId && h.Name == "journey").Select(h => h.Id).SingleAsync());
            var audit = await DbAsync(db => db.AuditEntries.Where(a => a.HostId == hostId).OrderBy(a => a.Id).Select(a => new { a.Action, a.ActorId }).ToListAsync());
            Assert.Contains(audit, a => a.Action == "host.decommission-started" && a.ActorId == customer.Id);
            Assert.Contains(audit, a => a.Action == "host.decommissioned");
        }
        finally
        {
            await Fixture.Emulator.SetTimingsAsync(new TimingSettings { ResourceDelay = TimeSpan.FromMilliseconds(10) });
        }
    }

    [Fact]
    public async Task A_failed_resource_shows_AWS_reason_on_the_host_page_and_retry_after_the_fault_is_cleared_reaches_active()
    {
        const string reason = "Resource handler returned message: \"The requested DB instance class is not available\"";
        var customer = await SignInAsNewCustomerAsync();
        await Fixture.Emulator.AddFaultsAsync(new FaultSettings { Resources = [new ResourceFault { LogicalId = "DatabaseInstance", Reason = reason }] });
        try
        {
            await OrderAsync(customer, "flaky");
            await Page.GotoAsync("/hosts/flaky");
            await SignInPage.WaitUntilInteractiveAsync(Page);
            await Page.EvaluateAsync("() => window.__sameDocument = true");

            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Failed", new() { Timeout = (float)Provisioning.TotalMilliseconds });
            await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Failed");
            await Expect(Page.GetByTestId("environment-reason-dev")).ToContainTextAsync("The requested DB instance class is not available");
            await Expect(Page.GetByTestId("environment-reason-dev")).ToContainTextAsync("DatabaseInstance");
            await Expect(Page.GetByTestId("host-reason")).ToContainTextAsync("The requested DB instance class is not available");
            // The failed resource is named in the events (the rollback's reason), however many events the rollback adds.
            await Expect(Page.GetByTestId("events-dev")).ToContainTextAsync("failed to create: [DatabaseInstance]");

            await Fixture.Emulator.ClearFaultsAsync();
            await Page.GetByTestId("retry").ClickAsync();

            await Expect(Page.GetByTestId("environment-reason-dev")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Active", new() { Timeout = (float)Provisioning.TotalMilliseconds });
            await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Active");
            await Expect(Page.GetByTestId("host-reason")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("retry")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("site-url-dev")).ToHaveAttributeAsync("href", new Regex("^https://flaky-dev--"));
            Assert.True(await Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");
            var hostId = await DbAsync(db => db.Hosts.Where(h => h.CustomerId == customer.CustomerId && h.Name == "flaky").Select(h => h.Id).SingleAsync());
            Assert.True(await DbAsync(db => db.AuditEntries.AnyAsync(a => a.HostId == hostId && a.Action == "host.retry" && a.ActorId == customer.Id)));
        }
        finally
        {
            await Fixture.Emulator.ClearFaultsAsync();
        }
    }

    /// <summary>Opens the decommission dialog, types the name and confirms.</summary>
    private async Task ConfirmDecommissionAsync(string hostName)
    {
        await Page.GetByTestId("decommission").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await dialog.Locator("#decommission-confirmation").FillAsync(hostName);
        await dialog.GetByTestId("decommission-confirm").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
    }
}
