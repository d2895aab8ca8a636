using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Orders;
using Portal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

/// <summary>A host's life after decommissioning: its name free again, the old host kept as a record and hidden from My hosts.</summary>
public sealed class HostLifecycleTests(PortalFixture fixture) : PortalBrowserTests(fixture)
{
    private const string Password = "Customer#Pass1";

    [Fact]
    public async Task A_decommissioned_hosts_name_is_ordered_again_and_the_old_host_stays_as_a_hidden_record()
    {
        var customer = await SignInPage.SignInAsNewCustomerAsync(Page, Fixture.Portal, Password);
        var actor = new Actor(customer.Id, customer.Email!);
        Assert.IsType<OrderOutcome.Created>(await OrderAsync(actor, customer.CustomerId!.Value, "reuse"));
        var old = await DbAsync(db => db.Hosts.AsNoTracking().SingleAsync(h => h.CustomerId == customer.CustomerId && h.Name == "reuse"));

        // While it lives, the name is taken.
        var refused = Assert.IsType<OrderOutcome.Invalid>(await OrderAsync(actor, customer.CustomerId!.Value, "reuse"));
        Assert.Contains("already have a host named 'reuse'", refused.Errors[HostOrderFields.Name].Single());

        // Decommissioned, as a finished decommission leaves it: the name is free, in the browser's order form.
        await DbAsync(async db =>
        {
            await db.HostEnvironments.Where(e => e.HostId == old.Id).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.State, EnvironmentState.Decommissioned).SetProperty(e => e.Operation, EnvironmentOperation.None));
            return await db.Hosts.Where(h => h.Id == old.Id).ExecuteUpdateAsync(s => s.SetProperty(h => h.State, HostState.Decommissioned));
        });
        await Page.GotoAsync("/hosts/new");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        var project = ProvisioningWorld.NextProject();
        await Page.Locator("#order-name").FillAsync("reuse");
        await Page.Locator("#order-gitlab-path").FillAsync(project);
        await Page.Locator("#order-gitlab-url").FillAsync($"https://gitlab.example.com/{project}.git");
        await Page.Locator("#order-gitlab-token").FillAsync(ProvisioningWorld.GitLabToken);
        await Page.Locator("#order-health").FillAsync("/health");
        await Page.GetByTestId("order-submit").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/hosts/reuse$"));
        await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", new Regex("^(Ordered|Provisioning|Active)$"));

        var hosts = await DbAsync(db => db.Hosts.AsNoTracking().Where(h => h.CustomerId == customer.CustomerId && h.Name == "reuse")
            .OrderBy(h => h.CreatedAt).ToListAsync());
        Assert.Equal([old.Id, hosts[1].Id], hosts.Select(h => h.Id));
        Assert.Equal(HostState.Decommissioned, hosts[0].State);
        Assert.NotEqual(hosts[0].ResourceKey, hosts[1].ResourceKey);
        // The old host keeps its audit trail.
        Assert.True(await DbAsync(db => db.AuditEntries.AnyAsync(a => a.HostId == old.Id)));

        // My hosts lists the live one; the decommissioned one shows when asked for.
        await Page.GotoAsync("/hosts");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("host-link")).ToHaveCountAsync(1);
        await Expect(Page.Locator("[data-testid=hosts-table] tbody tr").First).Not.ToContainTextAsync("Decommissioned");
        await Page.GetByLabel("Decommissioned too").CheckAsync();
        await Expect(Page.GetByTestId("host-link")).ToHaveCountAsync(2);
        await Expect(Page.Locator("[data-testid=hosts-table] tbody")).ToContainTextAsync("Decommissioned");

        // A second live host of the name is still refused, whoever asks first.
        Assert.IsType<OrderOutcome.Invalid>(await OrderAsync(actor, customer.CustomerId!.Value, "reuse"));
    }

    [Fact]
    public async Task The_colour_scheme_follows_the_system_until_the_toggle_chooses_and_the_choice_is_kept()
    {
        await Page.EmulateMediaAsync(new() { ColorScheme = Microsoft.Playwright.ColorScheme.Dark });
        await SignInPage.SignInAsNewCustomerAsync(Page, Fixture.Portal, Password);
        var layout = Page.Locator(".mud-layout");
        var toggle = Page.GetByTestId("scheme-toggle");
        await Expect(layout).ToHaveAttributeAsync("data-scheme", "dark");
        await Expect(toggle).ToHaveAttributeAsync("data-choice", "system");

        await toggle.ClickAsync();
        await Expect(layout).ToHaveAttributeAsync("data-scheme", "light");
        await Page.ReloadAsync();
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(toggle).ToHaveAttributeAsync("data-choice", "light");
        await Expect(layout).ToHaveAttributeAsync("data-scheme", "light");

        await toggle.ClickAsync();
        await Expect(layout).ToHaveAttributeAsync("data-scheme", "dark");
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("data-choice", "system");
        // Following the system again: its setting changing changes the page.
        await Page.EmulateMediaAsync(new() { ColorScheme = Microsoft.Playwright.ColorScheme.Light });
        await Expect(layout).ToHaveAttributeAsync("data-scheme", "light");
    }

    private Task<OrderOutcome> OrderAsync(Actor actor, Guid customerId, string name) => Fixture.Portal.WithScopeAsync(async services =>
    {
        var project = ProvisioningWorld.NextProject();
        return await services.GetRequiredService<HostOrders>().CreateAsync(actor, customerId, new HostOrder
        {
            Name = name,
            Plan = "small",
            Environments = ["dev"],
            GitLabProjectPath = project,
            GitLabProjectUrl = $"https://gitlab.example.com/{project}",
            GitLabToken = ProvisioningWorld.GitLabToken,
        });
    });

    private Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        Fixture.Portal.WithScopeAsync(services => work(services.GetRequiredService<PortalDbContext>()));
}
