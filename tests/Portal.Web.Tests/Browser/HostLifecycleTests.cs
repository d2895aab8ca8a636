using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
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
    private static readonly TimeSpan Provisioning = TimeSpan.FromMinutes(2);

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
    public async Task After_a_name_is_ordered_again_My_hosts_reaches_the_old_host_its_releases_and_the_new_host_but_never_another_customers()
    {
        var customer = await SignInPage.SignInAsNewCustomerAsync(Page, Fixture.Portal, Password);
        var actor = new Actor(customer.Id, customer.Email!);
        var customerId = customer.CustomerId!.Value;
        var old = Assert.IsType<OrderOutcome.Created>(await OrderAsync(actor, customerId, "twice"));
        await Fixture.World.WaitForAsync(old.HostId, HostState.Active, Provisioning);
        var oldRelease = await ReleaseAsync(old.HostId, "0001d111");

        // Decommissioned in the browser, then the name ordered again.
        await Page.GotoAsync("/hosts/twice");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Page.GetByTestId("decommission").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await dialog.Locator("#decommission-confirmation").FillAsync("twice");
        await dialog.GetByTestId("decommission-confirm").ClickAsync();
        await Fixture.World.WaitForAsync(old.HostId, HostState.Decommissioned, Provisioning);
        var renewed = Assert.IsType<OrderOutcome.Created>(await OrderAsync(actor, customerId, "twice"));
        var newRelease = await ReleaseAsync(renewed.HostId, "0002e222");
        var other = await Fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"{Guid.NewGuid():N}@example.test", Password);
        var others = Assert.IsType<OrderOutcome.Created>(await OrderAsync(new Actor(other.Id, other.Email!), other.CustomerId!.Value, "twice"));
        var othersRelease = await ReleaseAsync(others.HostId, "0003f333");

        // My hosts links each: the live one by its name, the old one by its name and id.
        await Page.GotoAsync("/hosts");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Page.GetByLabel("Decommissioned too").CheckAsync();
        var links = Page.GetByTestId("host-link");
        await Expect(links).ToHaveCountAsync(2);
        var oldLink = Page.Locator($"[data-testid=host-link][href$='?host={old.HostId}']");
        await Expect(oldLink).ToHaveCountAsync(1);
        await Expect(Page.Locator("[data-testid=host-link][href$='hosts/twice']")).ToHaveCountAsync(1);

        // The old host's page: its state, its environment and its release history, none of the new host's.
        await oldLink.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/hosts/twice\\?host={old.HostId}$"));
        await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Decommissioned");
        await Expect(Page.GetByTestId("host-decommissioned")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("environment-state-dev")).ToHaveAttributeAsync("data-state", "Decommissioned");
        await Expect(Page.GetByTestId("release-row")).ToHaveCountAsync(1);
        await Expect(Page.GetByTestId("release-row")).ToHaveAttributeAsync("data-release-id", oldRelease.ToString());
        await Expect(Page.GetByTestId("decommission")).ToHaveCountAsync(0);

        // Its release's page, and back to the old host from there.
        await Page.GetByTestId("release-row").GetByTestId("release-link").ClickAsync();
        await Expect(Page.GetByTestId("release-page")).ToHaveAttributeAsync("data-release-id", oldRelease.ToString());
        await Page.Locator(".mud-breadcrumbs").GetByRole(AriaRole.Link, new() { Name = "twice", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/hosts/twice\\?host={old.HostId}$"));
        await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", "Decommissioned");

        // The live host, from My hosts, with its own release.
        await Page.GotoAsync("/hosts");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Page.Locator("[data-testid=host-link][href$='hosts/twice']").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/hosts/twice$"));
        await Expect(Page.GetByTestId("host-state")).ToHaveAttributeAsync("data-state", new Regex("^(Ordered|Provisioning|Active)$"));
        await Expect(Page.GetByTestId("host-decommissioned")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("release-row")).ToHaveCountAsync(1);
        await Expect(Page.GetByTestId("release-row")).ToHaveAttributeAsync("data-release-id", newRelease.ToString());
        await Page.GotoAsync($"/hosts/twice/releases/{newRelease}");
        await Expect(Page.GetByTestId("release-page")).ToHaveAttributeAsync("data-release-id", newRelease.ToString());

        // Another customer's host of the same name is never shown, by its id or its release; nor an id under another name.
        foreach (var address in new[] { $"/hosts/twice?host={others.HostId}", $"/hosts/other-name?host={old.HostId}", "/hosts/twice?host=not-an-id" })
        {
            await Page.GotoAsync(address);
            await SignInPage.WaitUntilInteractiveAsync(Page);
            await Expect(Page.GetByTestId("host-not-found")).ToBeVisibleAsync();
            await Expect(Page.GetByTestId("host-state")).ToHaveCountAsync(0);
        }
        await Page.GotoAsync($"/hosts/twice/releases/{othersRelease}");
        await Expect(Page.GetByTestId("not-found")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("release-page")).ToHaveCountAsync(0);
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

    /// <summary>A finished release of the host's dev environment, as the release sync leaves one.</summary>
    private Task<Guid> ReleaseAsync(Guid hostId, string commit) => DbAsync(async db =>
    {
        var environmentId = await db.HostEnvironments.Where(e => e.HostId == hostId && e.Kind == EnvironmentKind.Dev).Select(e => e.Id).SingleAsync();
        var now = DateTimeOffset.UtcNow;
        var release = new Release
        {
            HostEnvironmentId = environmentId,
            CommitId = commit,
            Branch = "dev",
            Message = $"commit {commit}",
            ClientRequestToken = Guid.NewGuid().ToString(),
            PushedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            State = ReleaseState.Succeeded,
        };
        db.Releases.Add(release);
        await db.SaveChangesAsync();
        return release.Id;
    });

    private Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        Fixture.Portal.WithScopeAsync(services => work(services.GetRequiredService<PortalDbContext>()));
}
