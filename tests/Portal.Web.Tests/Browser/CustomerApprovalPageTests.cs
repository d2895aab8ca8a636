using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Web.Tests.Operations;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

/// <summary>
/// The customer's approver decides on the release page: the approver approves with a comment, a colleague who is no
/// approver reads who it waits for, and the operator's approval then sends the release on, which the page shows live.
/// </summary>
public sealed class CustomerApprovalPageTests(OperatorPortalFixture fixture) : IClassFixture<OperatorPortalFixture>, IAsyncLifetime
{
    private readonly List<IBrowserContext> contexts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in contexts) await context.DisposeAsync();
    }

    [Fact]
    public async Task The_customer_approver_approves_on_the_release_page_then_an_operator_and_the_release_leaves_the_approval()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var (approver, approverApi) = await fixture.CustomerAsync(host.CustomerId);
        var (_, gitLabToken) = await fixture.GitLabUserAsync();
        using (var linked = await approverApi.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token = gitLabToken }))
            Assert.True(linked.IsSuccessStatusCode, await linked.Content.ReadAsStringAsync());
        var (colleague, _) = await fixture.CustomerAsync(host.CustomerId);
        await fixture.DbAsync(db => db.Hosts.Where(h => h.Id == host.Id)
            .ExecuteUpdateAsync(h => h.SetProperty(x => x.ApproverEmails, new List<string> { approver.Email! })));
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        await fixture.WaitingAsync(releaseId);
        var path = $"/hosts/{host.Name}/releases/{releaseId}";

        // A colleague who is no approver reads whom it waits for, and has nothing to press.
        var colleaguePage = await SignedInAsync(colleague.Email!);
        await colleaguePage.GotoAsync(path);
        await SignInPage.WaitUntilInteractiveAsync(colleaguePage);
        await Expect(colleaguePage.GetByTestId("waiting-for-customer")).ToContainTextAsync($"Waiting for approval by {approver.Email}");
        await Expect(colleaguePage.GetByTestId("customer-approve")).ToHaveCountAsync(0);

        var page = await SignedInAsync(approver.Email!);
        await page.GotoAsync(path);
        await SignInPage.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("approvals-waiting")).ToContainTextAsync("one from the customer's approvers is needed");
        // A comment is required: nothing is decided without one.
        await page.GetByTestId("customer-approve").ClickAsync();
        await Expect(page.GetByTestId("customer-decision")).ToContainTextAsync("a comment is required");
        Assert.Empty(await fixture.DecisionsAsync(releaseId));

        await page.Locator("#customer-decision-comment").FillAsync("Our QC signed it off.");
        await page.GetByTestId("customer-approve").ClickAsync();

        await Expect(page.GetByTestId("release-action-result")).ToContainTextAsync("Your approval is recorded for the customer");
        var approval = page.Locator("[data-testid=release-approval][data-step=customer]");
        await Expect(approval).ToHaveAttributeAsync("data-outcome", "Approved");
        await Expect(approval.GetByTestId("approval-who")).ToContainTextAsync(approver.Email!);
        await Expect(page.GetByTestId("customer-decision")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("release-state")).ToHaveAttributeAsync("data-state", "WaitingForApproval");
        // The colleague's page follows live: nobody is waited for on the customer's side any more.
        await Expect(colleaguePage.GetByTestId("waiting-for-customer")).ToHaveCountAsync(0);

        var ops = await fixture.OperatorAsync();
        Assert.Equal("Approved", (await ApprovalApi.DecideAsync(ops, releaseId, "approve", "Operations agree.")).GetProperty("outcome").GetString());

        await Expect(page.GetByTestId("release-state")).Not.ToHaveAttributeAsync("data-state", "WaitingForApproval");
        await Expect(page.GetByTestId("release-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-testid=release-approval][data-step=operators]").GetByTestId("approval-who")).ToHaveTextAsync(ops.Email);
    }

    private async Task<IPage> SignedInAsync(string email)
    {
        var context = await Portal.Tests.Support.Browser.NewContextAsync(fixture.Portal.BaseUrl);
        contexts.Add(context);
        var page = await context.NewPageAsync();
        await SignInPage.SignInAsync(page, email, OperatorPortalFixture.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        return page;
    }
}
