using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Releases.Approvals;
using Portal.Web.Tests.Operations;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

/// <summary>Operators deciding on releases in the browser, against pipelines at the emulator; customers kept out.</summary>
public sealed class OperatorJourneyTests(OperatorPortalFixture fixture) : PortalBrowserTests<OperatorPortalFixture>(fixture)
{
    [Fact]
    public async Task A_production_release_needs_two_different_operators_and_never_the_pusher()
    {
        var (host, projectId) = await Fixture.HostAsync(requiredApprovals: 2);
        var pusher = await Fixture.OperatorAsync(linkGitLab: false);
        var carolName = "carol" + Guid.NewGuid().ToString("N")[..6];
        var (carolId, carolToken) = await Fixture.GitLabUserAsync(carolName);
        var first = await Fixture.OperatorAsync();
        var second = await Fixture.OperatorAsync();
        var pusherPage = await SignInAsync(pusher.Email);
        var firstPage = await SignInAsync(first.Email);
        var secondPage = await SignInAsync(second.Email);

        // The pushing operator links their GitLab account on their account page: GitLab says whose the token is.
        await pusherPage.GotoAsync("/account/profile");
        await SignInPage.WaitUntilInteractiveAsync(pusherPage);
        await pusherPage.Locator("#gitlab-token").FillAsync(carolToken);
        await pusherPage.GetByTestId("gitlab-link-submit").ClickAsync();
        await Expect(pusherPage.GetByTestId("gitlab-linked")).ToContainTextAsync($"linked to GitLab user {carolName} (id {carolId})");
        await Expect(pusherPage.GetByTestId("account-gitlab")).ToContainTextAsync($"{carolName} (id {carolId}, verified by GitLab)");

        // The first operator watches the overview; a push that reaches the approval shows there without a reload.
        await firstPage.GotoAsync("/operations");
        await SignInPage.WaitUntilInteractiveAsync(firstPage);
        var releaseId = await Fixture.PushAsync(host, projectId, "master", pusher: carolName, pusherEmail: "[REDACTED]", pusherId: carolId);
        var waiting = await Fixture.WaitingAsync(releaseId);
        await Expect(firstPage.Locator($"[data-testid=overview-approval][data-release-id='{releaseId}']")).ToBeVisibleAsync();
        await Expect(firstPage.GetByTestId("pending-approvals-count")).Not.ToHaveTextAsync("0");

        // The pusher sees why they cannot approve, and is refused when they try.
        var mine = await ApprovalCardAsync(pusherPage, releaseId);
        await Expect(mine.GetByTestId("note-own-push")).ToBeVisibleAsync();
        await Expect(mine.GetByTestId("approval-author")).ToContainTextAsync(carolName);
        await Expect(mine.GetByTestId("stages")).ToContainTextAsync("Build: Succeeded");
        await Expect(mine.GetByTestId("stages")).ToContainTextAsync("Approval: Running");
        await DecideAsync(pusherPage, mine, approve: true, "I wrote it, so it is fine.");
        await ExpectOutcomeAsync(pusherPage, DecisionOutcome.OwnPush, "You pushed this commit");

        // The first approval is recorded in the portal; the same operator again is refused.
        await firstPage.GetByTestId("open-approvals").ClickAsync();
        var firstCard = await ApprovalCardAsync(firstPage, releaseId, navigate: false);
        await DecideAsync(firstPage, firstCard, approve: true, "QC: tests and changelog checked.");
        await ExpectOutcomeAsync(firstPage, DecisionOutcome.Recorded, "1 of 2");
        await Expect(firstCard.GetByTestId("approval-count")).ToContainTextAsync("1 of 2");
        await Expect(firstCard.GetByTestId("approval-count")).ToContainTextAsync("QC: tests and changelog checked.");
        await Expect(firstCard.GetByTestId("note-decided")).ToBeVisibleAsync();
        await DecideAsync(firstPage, firstCard, approve: true, "Approving once more.");
        await ExpectOutcomeAsync(firstPage, DecisionOutcome.AlreadyDecided, "already approved");
        Assert.Equal("InProgress", (await Fixture.Pipelines.GetExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!)).Status);

        // A second, different operator's approval goes to AWS and the execution deploys.
        var secondCard = await ApprovalCardAsync(secondPage, releaseId);
        await Expect(secondCard.GetByTestId("decision")).ToContainTextAsync(first.Email);
        await DecideAsync(secondPage, secondCard, approve: true, "PMO: release window OK.");
        await ExpectOutcomeAsync(secondPage, DecisionOutcome.Approved, "sent to AWS");
        await Expect(secondPage.Locator($"[data-testid=approval][data-release-id='{releaseId}']")).ToHaveCountAsync(0);
        var execution = await Fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Succeeded");
        Assert.Equal(waiting.PipelineExecutionId, execution.PipelineExecutionId);
        await Fixture.WaitForReleaseAsync(releaseId, ReleaseState.Succeeded);
        await Expect(firstPage.Locator($"[data-testid=approval][data-release-id='{releaseId}']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_rejection_fails_the_execution_and_is_in_the_audit_log_with_its_comment()
    {
        var (host, projectId) = await Fixture.HostAsync(requiredApprovals: 2);
        var ops = await Fixture.OperatorAsync();
        var releaseId = await Fixture.PushAsync(host, projectId, "master");
        var waiting = await Fixture.WaitingAsync(releaseId);
        var page = await SignInAsync(ops.Email);

        var card = await ApprovalCardAsync(page, releaseId);
        await Expect(card.GetByTestId("approval-environment")).ToHaveTextAsync("production");
        // No comment, no decision: the dialog says so next to the field.
        await card.GetByTestId("reject").ClickAsync();
        await page.GetByTestId("decision-confirm").ClickAsync();
        await Expect(page.GetByText("a comment is required")).ToBeVisibleAsync();
        await page.Locator("#decision-comment").FillAsync("Migration is missing its rollback.");
        await page.GetByTestId("decision-confirm").ClickAsync();
        await ExpectOutcomeAsync(page, DecisionOutcome.Rejected, "fails at the approval");

        await Fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Failed");
        await Fixture.WaitForReleaseAsync(releaseId, ReleaseState.Failed);

        await page.GetByTestId("nav-audit").ClickAsync();
        await SignInPage.WaitUntilInteractiveAsync(page);
        await page.Locator("#audit-action").FillAsync("release.rejected");
        await page.Locator("#audit-actor").FillAsync(ops.Email);
        var row = page.Locator("[data-testid=audit-table] tbody tr").Filter(new() { HasText = "Migration is missing its rollback." });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("audit-row-actor")).ToHaveTextAsync(ops.Email);
        await Expect(row.GetByTestId("audit-row-action")).ToHaveTextAsync("release.rejected");
        // The row is there before the filters apply (it matches them too): wait for the export link to carry them.
        await Expect(page.GetByTestId("export-csv")).ToHaveAttributeAsync("href", new Regex("action=release\\.rejected.*actor=|actor=.*action=release\\.rejected"));
        var export = await page.GetByTestId("export-csv").GetAttributeAsync("href");
        var csv = await page.Context.APIRequest.GetAsync(export!);
        Assert.Equal(200, csv.Status);
        var rows = Csv.Parse(await csv.TextAsync());
        Assert.Contains(rows.Skip(1), r => r[2] == "release.rejected" && r[5].Contains("Migration is missing its rollback."));
        Assert.All(rows.Skip(1), r => Assert.Equal("release.rejected", r[2]));
    }

    [Fact]
    public async Task A_token_no_longer_current_gets_a_clear_message_not_an_error_page()
    {
        var (host, projectId) = await Fixture.HostAsync();
        var ops = await Fixture.OperatorAsync();
        var releaseId = await Fixture.PushAsync(host, projectId, "staging");
        var waiting = await Fixture.WaitingAsync(releaseId);
        var page = await SignInAsync(ops.Email);
        var card = await ApprovalCardAsync(page, releaseId);
        await card.GetByTestId("approve").ClickAsync();
        await page.Locator("#decision-comment").FillAsync("Ship it.");

        // Meanwhile the execution is stopped at AWS (in the console, by another tool): its approval token is dead.
        await Fixture.Pipelines.StopExecutionAsync(host.Pipelines[EnvironmentKind.Staging], waiting.PipelineExecutionId!, "stopped elsewhere", abandon: true);
        await page.GetByTestId("decision-confirm").ClickAsync();

        await ExpectOutcomeAsync(page, DecisionOutcome.Stale, "no longer current");
        await Expect(page.GetByTestId("decision-result")).ToContainTextAsync("nothing was sent");
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Expect(page.Locator($"[data-testid=approval][data-release-id='{releaseId}']")).ToHaveCountAsync(0);
        await Fixture.WaitForReleaseAsync(releaseId, ReleaseState.Stopped);
        Assert.Empty(await Fixture.DecisionsAsync(releaseId));
    }

    [Fact]
    public async Task A_customer_reaches_no_operator_page_and_no_operator_API()
    {
        var (host, projectId) = await Fixture.HostAsync();
        var releaseId = await Fixture.PushAsync(host, projectId, "staging");
        await Fixture.WaitingAsync(releaseId);
        var customer = await Fixture.Portal.CreateUserAsync(PortalRoles.Customer, $"cu-{Guid.NewGuid():N}@customer.example", OperatorPortalFixture.Password);
        var page = await SignedInPageAsync(customer.Email!, OperatorPortalFixture.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-operations")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("nav-approvals")).ToHaveCountAsync(0);

        foreach (var path in new[] { "/operations", "/operations/approvals", "/operations/fleet", "/operations/audit", $"/operations/hosts/{host.Id}" })
        {
            await page.GotoAsync(path);
            await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("approval")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("operations-overview")).ToHaveCountAsync(0);
        }

        var api = page.Context.APIRequest;
        Assert.Equal(403, (await api.GetAsync("/api/v1/operations/approvals")).Status);
        Assert.Equal(403, (await api.GetAsync("/api/v1/operations/overview")).Status);
        Assert.Equal(403, (await api.GetAsync("/api/v1/operations/audit.csv")).Status);
        Assert.Equal(403, (await api.PostAsync($"/api/v1/operations/approvals/{releaseId}/approve",
            new() { DataObject = new { comment = "let me in" } })).Status);
        // The job dashboard too: the portal's own access-denied page, not a bare 403.
        await page.GotoAsync("/operations/jobs");
        Assert.EndsWith("/account/access-denied?ReturnUrl=%2Foperations%2Fjobs", page.Url);
        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(page.GetByText("Portal jobs")).ToHaveCountAsync(0);
        Assert.Equal(ReleaseState.WaitingForApproval, (await Fixture.ReleaseAsync(releaseId)).State);
        Assert.Empty(await Fixture.DecisionsAsync(releaseId));
    }

    [Fact]
    public async Task Lowering_the_approval_rule_on_the_host_page_waits_for_a_second_operator()
    {
        var (host, _) = await Fixture.HostAsync(requiredApprovals: 2);
        var alice = await Fixture.OperatorAsync();
        var bob = await Fixture.OperatorAsync();
        var alicePage = await SignInAsync(alice.Email);
        var bobPage = await SignInAsync(bob.Email);

        await alicePage.GotoAsync($"/operations/hosts/{host.Id}");
        await SignInPage.WaitUntilInteractiveAsync(alicePage);
        await alicePage.GetByTestId("required-approvals").ClickAsync();
        await alicePage.GetByRole(AriaRole.Option, new() { Name = "1 operator" }).ClickAsync();
        await Expect(alicePage.GetByTestId("action-result")).ToContainTextAsync("another operator confirms it");
        await Expect(alicePage.GetByTestId("rule-proposal")).ToContainTextAsync($"{alice.Email} proposed 1 operator");
        // Its proposer can only withdraw it.
        await Expect(alicePage.GetByTestId("rule-confirm")).ToHaveCountAsync(0);
        await Expect(alicePage.GetByTestId("rule-withdraw")).ToHaveTextAsync("Withdraw");
        Assert.Equal(2, await Fixture.DbAsync(db => Task.FromResult(db.Hosts.Where(h => h.Id == host.Id).Select(h => h.RequiredApprovals).Single())));

        await bobPage.GotoAsync($"/operations/hosts/{host.Id}");
        await SignInPage.WaitUntilInteractiveAsync(bobPage);
        await Expect(bobPage.GetByTestId("rule-proposal")).ToBeVisibleAsync();
        await bobPage.GetByTestId("rule-confirm").ClickAsync();
        await Expect(bobPage.GetByTestId("action-result")).ToContainTextAsync("Confirmed: production releases now need one approval");
        await Expect(bobPage.GetByTestId("rule-proposal")).ToHaveCountAsync(0);
        Assert.Equal(1, await Fixture.DbAsync(db => Task.FromResult(db.Hosts.Where(h => h.Id == host.Id).Select(h => h.RequiredApprovals).Single())));
    }

    private async Task<IPage> SignInAsync(string email)
    {
        var page = await SignedInPageAsync(email, OperatorPortalFixture.Password);
        await Expect(page.GetByTestId("nav-operations")).ToBeVisibleAsync();
        return page;
    }

    private static async Task<ILocator> ApprovalCardAsync(IPage page, Guid releaseId, bool navigate = true)
    {
        if (navigate) await page.GotoAsync("/operations/approvals");
        await SignInPage.WaitUntilInteractiveAsync(page);
        var card = page.Locator($"[data-testid=approval][data-release-id='{releaseId}']");
        await Expect(card).ToBeVisibleAsync();
        return card;
    }

    private static async Task DecideAsync(IPage page, ILocator card, bool approve, string comment)
    {
        await card.GetByTestId(approve ? "approve" : "reject").ClickAsync();
        await page.Locator("#decision-comment").FillAsync(comment);
        await page.GetByTestId("decision-confirm").ClickAsync();
    }

    private static async Task ExpectOutcomeAsync(IPage page, DecisionOutcome outcome, string text)
    {
        var result = page.GetByTestId("decision-result");
        await Expect(result).ToHaveAttributeAsync("data-outcome", outcome.ToString());
        await Expect(result).ToContainTextAsync(text);
    }
}
