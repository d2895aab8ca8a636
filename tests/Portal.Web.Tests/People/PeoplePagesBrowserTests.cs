using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.People;
using Portal.Tests.Support;
using Portal.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.People;

/// <summary>
/// In Chromium, the pages where people are managed: an operator's Customers and Operators pages and a customer admin's
/// Team, with the invitations going out through the real SMTP peer and their links followed in the browser.
/// </summary>
public sealed class PeoplePagesBrowserTests(PeopleFixture fixture) : PortalBrowserTests<PeopleFixture>(fixture)
{
    [Fact]
    public async Task An_operator_creates_a_customer_and_invites_its_admin_who_invites_and_then_removes_a_teammate()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var operatorUser = await Fixture.Portal.CreateUserAsync(PortalRoles.Operator, $"op-{suffix}@example.test", PeopleApi.Password);
        var operatorPage = await SignedInPageAsync(operatorUser.Email!, PeopleApi.Password);
        await Expect(operatorPage.GetByTestId("nav-customers")).ToBeVisibleAsync();
        await SignInPage.WaitUntilInteractiveAsync(operatorPage);
        await operatorPage.GetByTestId("nav-customers").ClickAsync();
        await Expect(operatorPage.GetByRole(AriaRole.Heading, new() { Name = "Customers" })).ToBeVisibleAsync();
        await SignInPage.WaitUntilInteractiveAsync(operatorPage);

        // A slug that cannot be part of AWS names: the message stands next to the field and nothing is created.
        var name = $"Tenant {suffix}";
        await operatorPage.Locator("#customer-name").FillAsync(name);
        await operatorPage.Locator("#customer-slug").FillAsync("Not A Slug!");
        await operatorPage.GetByTestId("create-customer").ClickAsync();
        await Expect(FieldOf(operatorPage, "customer-slug")).ToContainTextAsync("lower-case letters");
        Assert.DoesNotContain(await CustomersAsync(), c => c.Name == name);
        await Expect(operatorPage.GetByTestId("customers-list")).Not.ToContainTextAsync(name);

        var slug = "t" + suffix;
        await operatorPage.Locator("#customer-slug").FillAsync(slug);
        await operatorPage.GetByTestId("create-customer").ClickAsync();
        await Expect(operatorPage.GetByTestId("customer-result")).ToContainTextAsync("is created");
        await Expect(FieldOf(operatorPage, "customer-slug")).Not.ToContainTextAsync("lower-case letters");
        await operatorPage.GetByTestId("customer-link").GetByText(name, new() { Exact = true }).ClickAsync();
        await Expect(operatorPage.GetByTestId("customer-heading")).ToHaveTextAsync(name);

        var adminEmail = $"admin-{suffix}@example.test";
        await InviteAsync(operatorPage, adminEmail, "invite-role-admin");

        // The admin follows the e-mailed link, sets a password and opens Team.
        var adminPage = await AcceptInvitationAsync(adminEmail, "Ada Admin");
        await adminPage.GetByTestId("nav-team").ClickAsync();
        await Expect(adminPage.GetByTestId("team-customer")).ToContainTextAsync(name);
        await SignInPage.WaitUntilInteractiveAsync(adminPage);
        await Expect(PersonRow(adminPage, adminEmail).GetByTestId("person-role")).ToHaveTextAsync("customer admin");

        var mateEmail = $"mate-{suffix}@example.test";
        await InviteAsync(adminPage, mateEmail, "invite-role-member");

        var matePage = await AcceptInvitationAsync(mateEmail, "Tom Teammate");
        await Expect(matePage.GetByTestId("nav-my-hosts")).ToBeVisibleAsync();
        await Expect(matePage.GetByTestId("nav-team")).ToHaveCountAsync(0);

        // The new admin orders a host for their customer through the order form.
        await adminPage.GotoAsync("/hosts/new");
        await SignInPage.WaitUntilInteractiveAsync(adminPage);
        var project = ProvisioningWorld.NextProject();
        await adminPage.Locator("#order-name").FillAsync("first-site");
        await adminPage.Locator("#order-gitlab-path").FillAsync(project);
        await adminPage.Locator("#order-gitlab-url").FillAsync($"https://gitlab.example.com/{project}.git");
        await adminPage.Locator("#order-gitlab-token").FillAsync(ProvisioningWorld.GitLabToken);
        await adminPage.GetByTestId("order-submit").ClickAsync();
        await Expect(adminPage).ToHaveURLAsync(new Regex("/hosts/first-site$"));
        var ordered = await Fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Hosts
            .Where(h => h.Name == "first-site" && h.Customer.Slug == slug).Select(h => h.CustomerId).SingleAsync());
        Assert.Equal((await CustomersAsync()).Single(c => c.Name == name).Id, ordered);

        // The admin's open page re-reads after the next action; a fresh visit shows the teammate at once.
        await adminPage.GotoAsync("/team");
        await SignInPage.WaitUntilInteractiveAsync(adminPage);
        await Expect(PersonRow(adminPage, mateEmail).GetByTestId("person-role")).ToHaveTextAsync("customer member");
        await Expect(adminPage.GetByTestId("invitations-table")).Not.ToContainTextAsync(mateEmail);
        await Expect(PersonRow(adminPage, adminEmail).GetByTestId("remove-person")).ToHaveCountAsync(0);
        await PersonRow(adminPage, mateEmail).GetByTestId("remove-person").ClickAsync();
        await adminPage.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(adminPage.GetByTestId("people-result")).ToContainTextAsync("is removed");
        await Expect(PersonRow(adminPage, mateEmail).GetByTestId("person-status")).ToContainTextAsync("removed");

        // The teammate's open page re-checks its session every second (PeopleFixture) and leaves for the sign-in page.
        await Expect(matePage).ToHaveURLAsync(new Regex("/account/login"), new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task A_customer_member_is_refused_the_team_and_a_customer_admin_sees_only_their_own_customer()
    {
        var people = new PeopleApi(Fixture);
        var (_, operatorApi) = await people.OperatorAsync();
        var (customerId, adminEmail, _) = await people.CustomerAdminAsync(operatorApi);
        var otherCustomerId = await people.CreateCustomerAsync(operatorApi);
        var otherEmail = $"other-{Guid.NewGuid():N}@example.test";
        await PeopleApi.InviteAsync(operatorApi, otherCustomerId, otherEmail, "CustomerMember");

        var adminPage = await SignedInPageAsync(adminEmail, PeopleApi.Password);
        await Expect(adminPage.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        await adminPage.GotoAsync($"/team?customerId={otherCustomerId}");
        var own = (await CustomersAsync()).Single(c => c.Id == customerId);
        await Expect(adminPage.GetByTestId("team-customer")).ToContainTextAsync(own.Name);
        await Expect(PersonRow(adminPage, adminEmail)).ToBeVisibleAsync();
        await Expect(adminPage.Locator(".mud-main-content")).Not.ToContainTextAsync(otherEmail);
        await Expect(adminPage.GetByTestId("nav-customers")).ToHaveCountAsync(0);
        string[] operatorsOnly = [$"/operations/customers/{otherCustomerId}", $"/operations/customers/{customerId}", "/operations/customers", "/operations/operators"];
        foreach (var path in operatorsOnly)
        {
            await adminPage.GotoAsync(path);
            await Expect(adminPage.GetByTestId("access-denied")).ToBeVisibleAsync();
            await Expect(adminPage.GetByTestId("people-table")).ToHaveCountAsync(0);
            await Expect(adminPage.GetByTestId("customers-list")).ToHaveCountAsync(0);
        }

        var member = await Fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"member-{Guid.NewGuid():N}@example.test", PeopleApi.Password);
        var memberPage = await SignedInPageAsync(member.Email!, PeopleApi.Password);
        await Expect(memberPage.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        await Expect(memberPage.GetByTestId("nav-team")).ToHaveCountAsync(0);
        await memberPage.GotoAsync("/team");
        await Expect(memberPage.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(memberPage.GetByTestId("people-table")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_people_pages_fit_at_1366_and_390_px_and_an_operator_cannot_remove_themselves()
    {
        var people = new PeopleApi(Fixture);
        var (operatorUser, operatorApi) = await people.OperatorAsync();
        var customerId = await people.CreateCustomerAsync(operatorApi);
        await PeopleApi.InviteAsync(operatorApi, customerId, $"long-address-{Guid.NewGuid():N}@example.test", "CustomerAdmin");
        var page = await SignedInPageAsync(operatorUser.Email!, PeopleApi.Password);
        await Expect(page.GetByTestId("nav-operators")).ToBeVisibleAsync();

        foreach (var (width, height) in PageLayout.Widths)
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (path, shown) in new[] { ("/operations/customers", "customers-list"), ($"/operations/customers/{customerId}", "invitations-table"),
                         ("/operations/operators", "people-table") })
            {
                await page.GotoAsync(path);
                await Expect(page.GetByTestId(shown)).ToBeVisibleAsync();
                await SignInPage.WaitUntilInteractiveAsync(page);
                Assert.True((await PageLayout.OverflowsAsync(page)).Count == 0, $"{path} at {width} px: {string.Join("; ", await PageLayout.OverflowsAsync(page))}");
            }
        }
        await Expect(PersonRow(page, operatorUser.Email!)).ToBeVisibleAsync();
        await Expect(PersonRow(page, operatorUser.Email!).GetByTestId("remove-person")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_operator_renames_sets_the_quota_of_suspends_and_resumes_a_customer_and_invites_then_withdraws_an_operator()
    {
        var people = new PeopleApi(Fixture);
        var (operatorUser, operatorApi) = await people.OperatorAsync();
        var customerId = await people.CreateCustomerAsync(operatorApi);
        var page = await SignedInPageAsync(operatorUser.Email!, PeopleApi.Password);
        await Expect(page.GetByTestId("nav-operators")).ToBeVisibleAsync();
        await page.GotoAsync($"/operations/customers/{customerId}");
        await Expect(page.GetByTestId("customer-settings")).ToBeVisibleAsync();
        await SignInPage.WaitUntilInteractiveAsync(page);

        var renamed = $"Renamed {Guid.NewGuid():N}"[..20];
        await page.Locator("#customer-name").FillAsync(renamed);
        await page.Locator("#customer-max-hosts").FillAsync("20000");
        await page.GetByTestId("save-customer").ClickAsync();
        await Expect(FieldOf(page, "customer-max-hosts")).ToContainTextAsync("between 1 and");
        var unchanged = (await CustomersAsync()).Single(c => c.Id == customerId);
        Assert.NotEqual(renamed, unchanged.Name);
        Assert.Null(unchanged.MaxHosts);

        await page.Locator("#customer-max-hosts").FillAsync("3");
        await page.GetByTestId("save-customer").ClickAsync();
        await Expect(page.GetByTestId("customer-result")).ToContainTextAsync("is saved");
        await Expect(page.GetByTestId("customer-heading")).ToHaveTextAsync(renamed);
        Assert.Equal(3, (await CustomersAsync()).Single(c => c.Id == customerId).MaxHosts);

        // Suspending asks first; cancelling changes nothing.
        await page.GetByTestId("suspend-customer").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
        Assert.Null((await CustomersAsync()).Single(c => c.Id == customerId).SuspendedAt);
        await page.GetByTestId("suspend-customer").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
        await Expect(page.GetByTestId("customer-suspended")).ToBeVisibleAsync();
        Assert.NotNull((await CustomersAsync()).Single(c => c.Id == customerId).SuspendedAt);
        await page.GetByTestId("resume-customer").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page.GetByTestId("customer-suspended")).ToHaveCountAsync(0);
        Assert.Null((await CustomersAsync()).Single(c => c.Id == customerId).SuspendedAt);

        await page.GetByTestId("nav-operators").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operators", Level = 4 })).ToBeVisibleAsync();
        await SignInPage.WaitUntilInteractiveAsync(page);
        var colleague = $"colleague-{Guid.NewGuid():N}@example.test";
        await page.Locator("#invite-email").FillAsync("not an address");
        await page.GetByTestId("invite").ClickAsync();
        await Expect(FieldOf(page, "invite-email")).ToContainTextAsync("Enter the e-mail address");
        await Expect(page.GetByTestId("invitations-none")).ToBeVisibleAsync();
        await page.Locator("#invite-email").FillAsync(colleague);
        await page.GetByTestId("invite").ClickAsync();
        await Expect(page.GetByTestId("people-result")).ToContainTextAsync($"{colleague} is invited");
        var link = (await Fixture.Mail.WaitForAsync(colleague, "invited")).LinkTo("/account/invitation");
        await page.GetByTestId("invitations-table").Locator("tr", new() { Has = page.GetByText(colleague, new() { Exact = true }) })
            .GetByTestId("withdraw-invitation").ClickAsync();
        await Expect(page.GetByTestId("people-result")).ToContainTextAsync("is withdrawn");
        await Expect(page.GetByTestId("invitations-table")).Not.ToContainTextAsync(colleague);

        var withdrawn = await NewPageAsync();
        await withdrawn.GotoAsync(link);
        await Expect(withdrawn.GetByTestId("invitation-unusable")).ToBeVisibleAsync();
    }

    /// <summary>Fills the page's invite form and waits until the invitation is listed as open.</summary>
    private static async Task InviteAsync(IPage page, string email, string roleTestId)
    {
        await page.Locator("#invite-email").FillAsync(email);
        await page.GetByTestId(roleTestId).ClickAsync();
        await page.GetByTestId("invite").ClickAsync();
        await Expect(page.GetByTestId("people-result")).ToContainTextAsync($"{email} is invited");
        await Expect(page.GetByTestId("invitations-table").Locator("tr", new() { Has = page.GetByText(email, new() { Exact = true }) }))
            .ToBeVisibleAsync();
    }

    /// <summary>Opens the e-mailed invitation link in a browser of its own, sets a password and lands signed in.</summary>
    private async Task<IPage> AcceptInvitationAsync(string email, string displayName)
    {
        var link = (await Fixture.Mail.WaitForAsync(email, "invited")).LinkTo("/account/invitation");
        var page = await NewPageAsync();
        await page.GotoAsync(link);
        await Expect(page.GetByTestId("invitation-for")).ToContainTextAsync(email);
        await page.GetByTestId("display-name").FillAsync(displayName);
        await page.GetByTestId("new-password").FillAsync(PeopleApi.Password);
        await page.GetByTestId("confirm-password").FillAsync(PeopleApi.Password);
        await page.GetByTestId("accept-invitation").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        await SignInPage.WaitUntilInteractiveAsync(page);
        return page;
    }

    /// <summary>The input with <paramref name="inputId"/> and its label and message, as MudBlazor lays them out.</summary>
    private static ILocator FieldOf(IPage page, string inputId) =>
        page.Locator(".mud-input-control", new() { Has = page.Locator($"#{inputId}") });

    private static ILocator PersonRow(IPage page, string email) =>
        page.GetByTestId("people-table").Locator("tr", new() { Has = page.GetByTestId("person-email").GetByText(email, new() { Exact = true }) });

    private Task<List<CustomerSummary>> CustomersAsync() =>
        Fixture.Portal.WithScopeAsync(services => services.GetRequiredService<CustomerDirectory>().ListAsync());
}
