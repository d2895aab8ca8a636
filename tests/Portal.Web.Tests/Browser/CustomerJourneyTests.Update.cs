using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.AwsEmulator;
using Portal.AwsEmulator.Faults;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Orders;
using Portal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

// Updating a host in the browser: edit the order, see the change preview CloudFormation worked out, confirm, and
// follow the update live until the host is Active again. The preview and the update run for real against the emulator.
public sealed partial class CustomerJourneyTests
{
    [Fact]
    public async Task A_customer_updates_the_plan_of_an_active_host_sees_the_change_preview_confirms_and_follows_it_live_to_active()
    {
        var customer = await SignInAsNewCustomerAsync();
        var hostId = await OrderActiveAsync(customer, "upgrade", production: true, storageGb: 20);
        // Slow enough that the page shows the update under way before it ends.
        await Fixture.Emulator.SetTimingsAsync(new TimingSettings { ResourceDelay = TimeSpan.FromMilliseconds(300) });
        try
        {
            await Page.GotoAsync("/hosts/upgrade");
            await SignInPage.WaitUntilInteractiveAsync(Page);
            await Page.EvaluateAsync("() => window.__sameDocument = true");
            await Expect(Page.GetByTestId("host-plan")).ToContainTextAsync("small");

            await Page.GetByTestId("update").ClickAsync();
            await Expect(Page).ToHaveURLAsync(new Regex("/hosts/upgrade/update$"));
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Update upgrade" })).ToBeVisibleAsync();
            // Prefilled from the host; what cannot change is read-only.
            await Expect(Page.Locator("#order-name")).ToHaveValueAsync("upgrade");
            await Expect(Page.Locator("#order-name")).Not.ToBeEditableAsync();
            // Environments can be added or removed; removing production asks for its name first.
            var production = Page.GetByRole(AriaRole.Checkbox, new() { Name = "production", Exact = true });
            await Expect(production).ToBeEnabledAsync();
            await Expect(production).ToBeCheckedAsync();
            await Expect(Page.GetByTestId("production-removal")).ToHaveCountAsync(0);
            await production.UncheckAsync();
            await Expect(Page.GetByTestId("production-removal")).ToBeVisibleAsync();
            await Expect(Page.Locator("#order-confirm-removal")).ToBeVisibleAsync();
            await production.CheckAsync();
            await Expect(Page.GetByTestId("production-removal")).ToHaveCountAsync(0);
            await Expect(Page.GetByRole(AriaRole.Combobox, new() { Name = "Database" })).ToBeDisabledAsync();
            await Expect(Page.Locator("#order-approvers")).ToHaveValueAsync("ops@acme.example");
            await Expect(Page.Locator("#branch-production")).ToHaveValueAsync("master");
            await Expect(Page.GetByTestId("update-changes")).ToContainTextAsync("None yet");

            // The estimate shows now → after.
            var now = await Page.GetByTestId("cost-before").InnerTextAsync();
            var unchanged = await CostTotalAsync();
            Assert.Equal(Money(now), Money(unchanged));
            await ChooseAsync("order-plan", "medium");
            await Expect(Page.GetByTestId("cost-total")).Not.ToHaveTextAsync(unchanged);
            await Expect(Page.GetByTestId("cost-difference")).ToContainTextAsync("+");
            Assert.True(Money(await CostTotalAsync()) > Money(now), $"{await CostTotalAsync()} should be more than {now}");
            await Expect(Page.GetByTestId("update-changes")).ToContainTextAsync("Plan: small → medium");

            // CloudFormation takes its time working out the change sets, so the page shows the preview being prepared.
            // (Less than the test portal's overdue limit per step, or the reconciler would start each step afresh.)
            await Fixture.Emulator.AddFaultsAsync(new FaultSettings
            {
                Operations = [new OperationFault { Operation = "cloudformation:DescribeChangeSet", Latency = TimeSpan.FromMilliseconds(700) }],
            });
            await Page.GetByTestId("update-preview").ClickAsync();

            // The preview appears on its own once they are worked out.
            var preview = Page.GetByTestId("change-preview");
            await Expect(preview).ToHaveAttributeAsync("data-state", "Preparing");
            await Expect(Page.GetByTestId("change-preparing")).ToBeVisibleAsync();
            await Expect(Page.GetByTestId("change-confirm")).ToHaveCountAsync(0);
            await Expect(preview).ToHaveAttributeAsync("data-state", "Ready", new() { Timeout = 30_000 });
            await Fixture.Emulator.ClearFaultsAsync();
            await Expect(Page.GetByTestId("change-ready")).ToBeVisibleAsync();
            var plan = preview.Locator("[data-testid=field-change][data-field=plan]");
            await Expect(plan).ToContainTextAsync("Plan");
            await Expect(plan.Locator("td").Nth(1)).ToHaveTextAsync("small");
            await Expect(plan.Locator("td").Nth(2)).ToHaveTextAsync("medium");
            foreach (var environment in new[] { "dev", "production" })
                await Expect(Page.GetByTestId($"change-environment-{environment}").GetByTestId("resource-change")
                        .Filter(new() { HasText = "Modify LaunchTemplate (AWS::EC2::LaunchTemplate) — replacement: no" }))
                    .ToHaveCountAsync(1);
            await Expect(Page.GetByTestId("change-database-replaced")).ToHaveCountAsync(0);
            await Expect(preview.Locator("[data-testid=resource-change][data-risk=Replaced]")).ToHaveCountAsync(0);
            // Nothing has changed yet.
            Assert.Equal("small", (await Fixture.World.HostAsync(hostId)).Plan);

            await Page.GetByTestId("change-confirm").ClickAsync();

            await Expect(Page).ToHaveURLAsync(new Regex("/hosts/upgrade$"));
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Updating");
            await Expect(Page.GetByTestId("change-applying")).ToContainTextAsync("Plan: small → medium");
            await Expect(Page.GetByTestId("update")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("events-production")).ToContainTextAsync("Updating", new() { Timeout = (float)Provisioning.TotalMilliseconds });
            await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Active", new() { Timeout = (float)Provisioning.TotalMilliseconds });
            await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Active");
            await Expect(Page.GetByTestId("environment-state-production")).ToHaveAttributeAsync("data-state", "Active");
            await Expect(Page.GetByTestId("events-dev").GetByTestId("event-row").First).ToContainTextAsync("Updated");
            await Expect(Page.GetByTestId("host-plan")).ToContainTextAsync("medium");
            await Expect(Page.GetByTestId("change-applying")).ToHaveCountAsync(0);
            await Expect(Page.GetByTestId("update")).ToBeVisibleAsync();
            Assert.True(await Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");

            var host = await Fixture.World.HostAsync(hostId);
            Assert.Equal(("medium", HostState.Active), (host.Plan, host.State));
            var audit = await DbAsync(db => db.AuditEntries.Where(a => a.HostId == hostId).Select(a => new { a.Action, a.ActorId }).ToListAsync());
            Assert.Contains(audit, a => a.Action == "host.change-proposed" && a.ActorId == customer.Id);
            Assert.Contains(audit, a => a.Action == "host.change-confirmed" && a.ActorId == customer.Id);
        }
        finally
        {
            await Fixture.Emulator.ClearFaultsAsync();
            await Fixture.Emulator.SetTimingsAsync(new TimingSettings { ResourceDelay = TimeSpan.FromMilliseconds(10) });
        }
    }

    [Fact]
    public async Task A_refused_edit_shows_errors_next_to_the_fields_and_an_open_change_can_be_reviewed_later_and_discarded()
    {
        var customer = await SignInAsNewCustomerAsync();
        var hostId = await OrderActiveAsync(customer, "steady", production: false, storageGb: 50);

        await Page.GotoAsync("/hosts/steady/update");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.Locator("#order-storage")).ToHaveValueAsync("50");

        await Page.Locator("#order-storage").FillAsync("30");
        await Expect(Page.GetByText("Database storage can only grow (it is 50 GB now).")).ToBeVisibleAsync();
        await Page.GetByTestId("update-preview").ClickAsync();
        await Expect(Page.GetByTestId("update-failure")).ToContainTextAsync("The order has errors");
        await Page.Locator("#order-health").FillAsync("health");
        await Expect(Page.GetByText("Start with '/' and use only URL path characters")).ToBeVisibleAsync();
        Assert.False(await DbAsync(db => db.HostChanges.AnyAsync(c => c.HostId == hostId)));

        // Back to the host's own values: nothing to change is said, not previewed.
        await Page.Locator("#order-storage").FillAsync("50");
        await Page.Locator("#order-health").FillAsync("/health");
        await Expect(Page.GetByText("Database storage can only grow")).ToHaveCountAsync(0);
        await Page.GetByTestId("update-preview").ClickAsync();
        await Expect(Page.GetByTestId("update-failure")).ToContainTextAsync("Nothing to change: this is the host's current order.");
        Assert.False(await DbAsync(db => db.HostChanges.AnyAsync(c => c.HostId == hostId)));

        // A valid edit is previewed; leaving it open, the host page says so and leads back to it.
        await Page.Locator("#order-storage").FillAsync("80");
        await Page.GetByTestId("update-preview").ClickAsync();
        await Expect(Page.GetByTestId("change-preview")).ToHaveAttributeAsync("data-state", "Ready", new() { Timeout = 30_000 });
        await Expect(Page.Locator("[data-testid=field-change][data-field=databaseStorageGb]")).ToContainTextAsync("80");
        await Expect(Page.GetByTestId("change-environment-dev")).ToContainTextAsync("Modify DatabaseInstance (AWS::RDS::DBInstance) — replacement: no");

        await Page.GetByTestId("back-to-host").ClickAsync();
        await Expect(Page.GetByTestId("change-open")).ToContainTextAsync("Database storage (GB): 50 → 80");
        await Page.GetByTestId("change-review").ClickAsync();
        await Expect(Page.GetByTestId("change-preview")).ToHaveAttributeAsync("data-state", "Ready");

        await Page.GetByTestId("change-discard").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/hosts/steady$"));
        await Expect(Page.GetByTestId("change-open")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Active");
        var host = await Fixture.World.HostAsync(hostId);
        Assert.Equal(50, host.Database.AllocatedStorageGb);
        Assert.Equal(HostChangeState.Discarded, await DbAsync(db => db.HostChanges.Where(c => c.HostId == hostId).Select(c => c.State).SingleAsync()));
    }

    [Fact]
    public async Task A_customer_adds_production_to_a_dev_host_sees_its_stacks_and_cost_previewed_confirms_and_gets_it_active()
    {
        var customer = await SignInAsNewCustomerAsync();
        var hostId = await OrderActiveAsync(customer, "grows", production: false, storageGb: 20);
        await Page.SetViewportSizeAsync(PageLayout.LaptopWidth, 768);
        await Page.GotoAsync("/hosts/grows");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("environment-dev")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("environment-production")).ToHaveCountAsync(0);

        await Page.GetByTestId("update").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/hosts/grows/update$"));
        var production = Page.GetByRole(AriaRole.Checkbox, new() { Name = "production", Exact = true });
        await Expect(production).Not.ToBeCheckedAsync();
        await Expect(Page.GetByTestId("production-options")).ToHaveCountAsync(0);
        var before = Money(await Page.GetByTestId("cost-before").InnerTextAsync());

        await production.CheckAsync();
        await Expect(Page.GetByTestId("production-options")).ToBeVisibleAsync();
        await Expect(Page.Locator("#branch-production")).ToHaveValueAsync("master");
        await Expect(Page.GetByTestId("cost-difference")).ToContainTextAsync("+");
        // Production releases wait for approval: the preview is refused until an approver is named.
        await Expect(Page.GetByTestId("update-changes")).ToContainTextAsync("None yet that pass the rules.");
        await Page.GetByTestId("update-preview").ClickAsync();
        await Expect(Page.GetByTestId("update-failure")).ToContainTextAsync("The order has errors");
        await Expect(Page.GetByText("Production releases wait for approval: name at least one approver's e-mail.")).ToBeVisibleAsync();
        Assert.False(await DbAsync(db => db.HostChanges.AnyAsync(c => c.HostId == hostId)));
        await Page.Locator("#order-approvers").FillAsync("ops@acme.example");
        await Expect(Page.GetByText("name at least one approver's e-mail")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("update-changes")).ToContainTextAsync("Environments: dev → dev, production");

        await Page.GetByTestId("update-preview").ClickAsync();
        var preview = Page.GetByTestId("change-preview");
        await Expect(preview).ToHaveAttributeAsync("data-state", "Ready", new() { Timeout = 30_000 });
        await Expect(preview.Locator("[data-testid=field-change][data-field=environments] td").Nth(2)).ToHaveTextAsync("dev, production");
        await Expect(preview.Locator("[data-testid=field-change][data-field=approverEmails] td").Nth(2)).ToHaveTextAsync("ops@acme.example");
        // Production's two stacks are created when confirmed; dev's stacks do not change.
        var added = Page.GetByTestId("change-environment-production");
        await Expect(added.GetByTestId("change-stack")).ToHaveCountAsync(2);
        foreach (var layer in new[] { "infrastructure", "software" })
            await Expect(added.Locator($"[data-testid=change-stack][data-layer={layer}]"))
                .ToContainTextAsync(new Regex(@"-production-.* — created when you confirm"));
        await Expect(Page.GetByTestId("change-environment-dev")).ToHaveCountAsync(0);
        // What production adds per month is named with it and is the whole difference of the host's estimate.
        var addedCost = Money(await added.GetByTestId("environment-added").InnerTextAsync());
        var after = Money(await CostTotalAsync());
        Assert.True(addedCost > 0, $"production adds {addedCost}");
        Assert.Equal(before + addedCost, after);
        await Expect(Page.GetByTestId("cost-difference"))
            .ToContainTextAsync(addedCost.ToString("N2", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single((await Fixture.World.HostAsync(hostId)).Environments);

        // On a phone the preview and its confirm button fit.
        await Page.SetViewportSizeAsync(PageLayout.PhoneWidth, 844);
        var confirm = Page.GetByTestId("change-confirm");
        await confirm.ScrollIntoViewIfNeededAsync();
        await Expect(confirm).ToBeInViewportAsync();
        var overflows = await PageLayout.OverflowsAsync(Page);
        Assert.True(overflows.Count == 0, $"the update page at {PageLayout.PhoneWidth} px: {string.Join("; ", overflows)}");
        var button = await confirm.BoundingBoxAsync();
        var card = await preview.BoundingBoxAsync();
        Assert.True(button is not null && card is not null && button.X >= card.X - 1 && button.X + button.Width <= card.X + card.Width + 1,
            $"the confirm button ({button?.X}+{button?.Width}) is outside the preview's width ({card?.X}+{card?.Width})");
        await Page.SetViewportSizeAsync(PageLayout.LaptopWidth, 768);

        await confirm.ClickAsync();
        // Confirming checks the shared load balancers' room at AWS first.
        await Expect(Page).ToHaveURLAsync(new Regex("/hosts/grows$"), new() { Timeout = 15_000 });
        await Expect(Page.GetByTestId("environment-production")).ToBeVisibleAsync();
        var host = await Poll.UntilAsync(() => Fixture.World.HostAsync(hostId),
            h => h.State is HostState.Active or HostState.Failed
                 && h.Environments.Any(e => e.Kind == EnvironmentKind.Production && e.State is EnvironmentState.Active or EnvironmentState.Failed),
            Provisioning, "production to be provisioned", ProvisioningWorld.Describe);
        Assert.Equal(HostState.Active, host.State);
        var productionEnvironment = host.Environments.Single(e => e.Kind == EnvironmentKind.Production);
        Assert.Equal((EnvironmentState.Active, "master"), (productionEnvironment.State, productionEnvironment.Branch));
        Assert.Equal(HostChangeState.Applied, await DbAsync(db => db.HostChanges.Where(c => c.HostId == hostId).Select(c => c.State).SingleAsync()));

        await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Active");
        await Expect(Page.GetByTestId("environment-state-production")).ToHaveAttributeAsync("data-state", "Active");
        await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Active");
        await Expect(Page.GetByTestId("environment-production")).ToContainTextAsync("master");
        await Expect(Page.GetByTestId("site-url-production")).ToHaveAttributeAsync("href", new Regex("^https://grows-production--"));
        await Expect(Page.GetByTestId("host-order")).ToContainTextAsync("ops@acme.example");
        var audit = await DbAsync(db => db.AuditEntries.Where(a => a.HostId == hostId).Select(a => a.Action).ToListAsync());
        Assert.Contains(AuditActions.EnvironmentAdded, audit);
    }

    /// <summary>A host ordered as the form saves it, provisioned against the emulator until Active.</summary>
    private async Task<Guid> OrderActiveAsync(PortalUser user, string name, bool production, int storageGb)
    {
        var created = await Fixture.Portal.WithScopeAsync(async services =>
        {
            var project = ProvisioningWorld.NextProject();
            var outcome = await services.GetRequiredService<HostOrders>().CreateAsync(new Actor(user.Id, user.Email!), user.CustomerId!.Value, new HostOrder
            {
                Name = name,
                Plan = "small",
                Environments = production ? ["dev", "production"] : ["dev"],
                GitLabProjectPath = project,
                GitLabProjectUrl = $"https://gitlab.example.com/{project}.git",
                GitLabToken = ProvisioningWorld.GitLabToken,
                HealthCheckPath = "/health",
                ApproverEmails = production ? ["ops@acme.example"] : [],
                DatabaseEngine = "postgres",
                DatabaseStorageGb = storageGb,
            });
            return Assert.IsType<OrderOutcome.Created>(outcome);
        });
        await Fixture.World.WaitForAsync(created.HostId, HostState.Active, Provisioning);
        return created.HostId;
    }
}
