using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Web.Tests.Operations;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

/// <summary>
/// A release's own page and the host page, against pipelines at the emulator: what the customer sees live, redeploy and
/// roll-back, who may not, and both pages fitting a laptop and a phone.
/// </summary>
public sealed class ReleaseAndHostPageTests(OperatorPortalFixture fixture) : PortalBrowserTests<OperatorPortalFixture>(fixture)
{
    [Fact]
    public async Task The_release_page_shows_stages_approvals_and_links_live_and_a_redeploy_runs_the_same_source_through_the_approval()
    {
        var (host, projectId) = await Fixture.HostAsync(requiredApprovals: 1);
        const string site = "https://web-production--acme.apps.example.test/";
        await SiteAsync(host.Environments[EnvironmentKind.Production], site);
        var ops = await Fixture.OperatorAsync();
        var first = await Fixture.PushAsync(host, projectId, "master");
        await ApproveAsync(ops, first, "First one, fine.");
        await Fixture.WaitForReleaseAsync(first, ReleaseState.Succeeded);
        var releaseId = await Fixture.PushAsync(host, projectId, "master", pusher: "alice");
        var waiting = await Fixture.WaitingAsync(releaseId);
        var firstCommit = (await Fixture.ReleaseAsync(first)).CommitId;

        var page = await CustomerPageAsync(host.CustomerId);
        await page.GotoAsync($"/hosts/{host.Name}/releases/{releaseId}");
        await SignInPage.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByTestId("release-state")).ToHaveAttributeAsync("data-state", "WaitingForApproval");
        await Expect(page.GetByTestId("release-state")).ToHaveTextAsync("Waiting for approval");
        await Expect(Stage(page, "Source")).ToHaveAttributeAsync("data-status", "Succeeded");
        await Expect(Stage(page, "Build")).ToHaveAttributeAsync("data-status", "Succeeded");
        await Expect(Stage(page, "Approval").GetByTestId("stage-status")).ToHaveTextAsync("Running");
        await Expect(Stage(page, "Build").GetByTestId("stage-started")).ToBeVisibleAsync();
        await Expect(Stage(page, "Build").GetByTestId("stage-duration")).ToContainTextAsync(" s");
        // Local time shown, UTC on hover.
        await Expect(Stage(page, "Build").GetByTestId("stage-started")).ToHaveAttributeAsync("title", new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"));
        await Expect(page.GetByTestId("approvals-waiting")).ToContainTextAsync("0 of 1");
        // The tail of the build's log, from CloudWatch Logs through the build CodePipeline names and BatchGetBuilds.
        await Expect(page.GetByTestId("build-status")).ToHaveTextAsync("Build succeeded");
        await Expect(page.GetByTestId("build-log-lines")).ToContainTextAsync("[Container]");
        await Expect(page.GetByTestId("build-log-lines")).ToContainTextAsync("Entering phase BUILD");

        var web = $"{Portal.Tests.Support.GitLab.GitLabSender.Instance}/{(await Fixture.DbAsync(db => db.Hosts.Where(h => h.Id == host.Id)
            .Select(h => h.GitLab.PathWithNamespace).SingleAsync()))}";
        await Expect(page.GetByTestId("commit-link")).ToHaveAttributeAsync("href", $"{web}/-/commit/{waiting.CommitId}");
        await Expect(page.GetByTestId("compare-link")).ToHaveAttributeAsync("href", $"{web}/-/compare/{firstCommit}...{waiting.CommitId}");
        await Expect(page.GetByTestId("commit-author")).ToHaveTextAsync("alice");
        await Expect(page.GetByTestId("release-site")).ToHaveAttributeAsync("href", site);
        await Expect(page.GetByTestId("redeploy")).ToHaveCountAsync(0);

        // An operator approves elsewhere: the page shows who, when and why, and the release finishing, without a reload.
        await ApproveAsync(ops, releaseId, "QC: checked the changelog.");
        var approval = page.GetByTestId("release-approval");
        await Expect(approval).ToHaveAttributeAsync("data-outcome", "Approved");
        await Expect(approval.GetByTestId("approval-who")).ToHaveTextAsync(ops.Email);
        await Expect(approval.GetByTestId("approval-comment")).ToContainTextAsync("QC: checked the changelog.");
        await Expect(approval.GetByTestId("approval-when")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("release-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 30_000 });
        var succeeded = await Fixture.WaitForReleaseAsync(releaseId, ReleaseState.Succeeded);

        // Redeploy: a new release of the same S3 object version, which waits at the same approval again.
        await page.GetByTestId("redeploy").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Redeploy" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/hosts/{host.Name}/releases/(?!{releaseId})[0-9a-f-]{{36}}$"));
        var againId = Guid.Parse(page.Url[^36..]);
        var again = await Fixture.WaitingAsync(againId);
        Assert.Equal(succeeded.SourceVersionId, again.SourceVersionId);
        Assert.Equal(succeeded.SourceKey, again.SourceKey);
        Assert.Equal(succeeded.CommitId, again.CommitId);
        Assert.NotEqual(succeeded.PipelineExecutionId, again.PipelineExecutionId);
        var execution = await Fixture.Pipelines.GetExecutionAsync(host.Pipelines[EnvironmentKind.Production], again.PipelineExecutionId!);
        Assert.Contains(execution.ArtifactRevisions, r => r.RevisionId == succeeded.SourceVersionId);
        await Expect(page.GetByTestId("release-state")).ToHaveAttributeAsync("data-state", "WaitingForApproval");
        Assert.Contains(await Fixture.AuditAsync(host.Id), a => a.Action == Data.Audit.AuditActions.ReleaseRedeployed && a.Details!.Contains(againId.ToString()));

        // A second redeploy of the same version while the first waits is refused in words.
        await page.GotoAsync($"/hosts/{host.Name}/releases/{releaseId}");
        await SignInPage.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("redeploy").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Redeploy" }).ClickAsync();
        await Expect(page.GetByTestId("release-action-result")).ToContainTextAsync("already queued or running");
    }

    [Fact]
    public async Task Roll_back_starts_an_execution_of_the_earlier_releases_source_version()
    {
        var (host, projectId) = await Fixture.HostAsync(requiredApprovals: 1, stagingApproval: false);
        var old = await Fixture.PushAsync(host, projectId, "staging");
        var oldRelease = await Fixture.WaitForReleaseAsync(old, ReleaseState.Succeeded);
        var current = await Fixture.PushAsync(host, projectId, "staging");
        var currentRelease = await Fixture.WaitForReleaseAsync(current, ReleaseState.Succeeded);
        Assert.NotEqual(oldRelease.SourceVersionId, currentRelease.SourceVersionId);

        var page = await CustomerPageAsync(host.CustomerId);
        await page.GotoAsync($"/hosts/{host.Name}/releases/{current}");
        await SignInPage.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("approvals-empty")).ToContainTextAsync("need no approval");
        await page.GetByTestId("rollback").ClickAsync();
        await page.Locator($"[data-testid=rollback-choice][data-release-id='{old}']").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/releases/(?!{current})(?!{old})[0-9a-f-]{{36}}$"));
        var rollbackId = Guid.Parse(page.Url[^36..]);
        var rollback = await Fixture.WaitForReleaseAsync(rollbackId, ReleaseState.Succeeded);
        Assert.Equal(oldRelease.SourceVersionId, rollback.SourceVersionId);
        Assert.Equal(oldRelease.CommitId, rollback.CommitId);
        var execution = await Fixture.Pipelines.GetExecutionAsync(host.Pipelines[EnvironmentKind.Staging], rollback.PipelineExecutionId!);
        Assert.Contains(execution.ArtifactRevisions, r => r.RevisionId == oldRelease.SourceVersionId);
        Assert.Contains(await Fixture.AuditAsync(host.Id), a => a.Action == Data.Audit.AuditActions.ReleaseRolledBack);
        await Expect(page.GetByTestId("release-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task Another_customers_release_is_not_found_and_operator_pages_are_denied()
    {
        var (host, projectId) = await Fixture.HostAsync();
        var releaseId = await Fixture.PushAsync(host, projectId, "dev");
        var stranger = await CustomerPageAsync(customerId: null);
        foreach (var path in new[] { $"/hosts/{host.Name}/releases/{releaseId}", $"/hosts/web/releases/{releaseId}" })
        {
            await stranger.GotoAsync(path);
            await Expect(stranger.GetByTestId("not-found")).ToBeVisibleAsync();
            await Expect(stranger.GetByTestId("release-page")).ToHaveCountAsync(0);
        }
        // Their own customer, but the address names another host of theirs: not found either.
        var owner = await CustomerPageAsync(host.CustomerId);
        await owner.GotoAsync($"/hosts/not-{host.Name}/releases/{releaseId}");
        await Expect(owner.GetByTestId("not-found")).ToBeVisibleAsync();
        await owner.GotoAsync($"/operations/releases/{releaseId}");
        await Expect(owner.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(owner.GetByTestId("release-page")).ToHaveCountAsync(0);
        // The API refuses another customer's redeploy as not found too (no page needed to try).
        var (_, strangerApi) = await Fixture.CustomerAsync();
        var refused = await strangerApi.PostAsync($"/api/v1/hosts/{host.Name}/releases/{releaseId}/redeploy", null);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task An_operator_stops_a_release_only_with_a_reason_and_the_customer_reads_it()
    {
        var (host, projectId) = await Fixture.HostAsync();
        var releaseId = await Fixture.PushAsync(host, projectId, "master");
        await Fixture.WaitingAsync(releaseId);
        var ops = await Fixture.OperatorAsync();
        var page = await SignedInPageAsync(ops.Email, OperatorPortalFixture.Password);
        await page.GotoAsync($"/operations/releases/{releaseId}");
        await SignInPage.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("stop-release").ClickAsync();
        await page.GetByTestId("stop-confirm").ClickAsync();
        await Expect(page.GetByText("a reason is required")).ToBeVisibleAsync();
        await page.Locator("#stop-reason").FillAsync("Deploy freeze until Monday.");
        await page.GetByTestId("stop-confirm").ClickAsync();
        await Expect(page.GetByTestId("release-action-result")).ToContainTextAsync("Stop requested");
        await Fixture.WaitForReleaseAsync(releaseId, ReleaseState.Stopped);

        var customer = await CustomerPageAsync(host.CustomerId);
        await customer.GotoAsync($"/hosts/{host.Name}/releases/{releaseId}");
        await Expect(customer.GetByTestId("release-state")).ToHaveAttributeAsync("data-state", "Stopped");
        await Expect(customer.GetByTestId("release-reason")).ToContainTextAsync("Deploy freeze until Monday.");
        await Expect(customer.GetByTestId("stop-release")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_release_page_fits_its_cards_at_1366_and_390_px()
    {
        var (host, projectId) = await Fixture.HostAsync(requiredApprovals: 1);
        await SiteAsync(host.Environments[EnvironmentKind.Production], "https://a-rather-long-host-name-production--customer.apps.example.test/");
        var ops = await Fixture.OperatorAsync();
        var releaseId = await Fixture.PushAsync(host, projectId, "master", pusher: "someone-with-a-very-long-gitlab-user-name-indeed");
        await Fixture.WaitingAsync(releaseId);
        await ApproveAsync(ops, releaseId, "A comment long enough to wrap: " + string.Concat(Enumerable.Repeat("checked-and-double-checked ", 8)));
        await Fixture.WaitForReleaseAsync(releaseId, ReleaseState.Succeeded);

        var page = await CustomerPageAsync(host.CustomerId);
        foreach (var (width, height) in PageLayout.Widths)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.GotoAsync($"/hosts/{host.Name}/releases/{releaseId}");
            await SignInPage.WaitUntilInteractiveAsync(page);
            await Expect(page.GetByTestId("release-state")).ToHaveAttributeAsync("data-state", "Succeeded");
            await Expect(page.GetByTestId("release-approval")).ToBeVisibleAsync();
            Assert.True(await PageLayout.InFirstScreenAsync(page, page.GetByTestId("release-state")), $"release state below the fold at {width} px");
            Assert.Empty(await PageLayout.OverflowsAsync(page));
            await PageLayout.ScreenshotAsync(page, $"release-page-{width}");
        }
    }

    [Fact]
    public async Task The_host_page_shows_the_latest_release_state_in_the_first_screen_and_fits_its_cards_at_1366_and_390_px()
    {
        var (host, projectId) = await Fixture.HostAsync(requiredApprovals: 1, stagingApproval: false);
        await SiteAsync(host.Environments[EnvironmentKind.Production], "https://web-production--a-customer-with-a-long-slug.apps.example.test/");
        await EventsAsync(host.Environments[EnvironmentKind.Production]);
        var dev = await Fixture.PushAsync(host, projectId, "dev", pusher: "a-pusher-with-a-rather-long-user-name");
        await Fixture.WaitForReleaseAsync(dev, ReleaseState.Succeeded);
        var production = await Fixture.PushAsync(host, projectId, "master");
        await Fixture.WaitingAsync(production);

        var page = await CustomerPageAsync(host.CustomerId);
        foreach (var (width, height) in PageLayout.Widths)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.GotoAsync($"/hosts/{host.Name}");
            await SignInPage.WaitUntilInteractiveAsync(page);
            var latest = page.GetByTestId("latest-release-state-production");
            await Expect(latest).ToHaveAttributeAsync("data-state", "WaitingForApproval");
            await Expect(page.GetByTestId("latest-release-state-dev")).ToHaveAttributeAsync("data-state", "Succeeded");
            Assert.True(await PageLayout.InFirstScreenAsync(page, latest), $"the latest release's state is below the first screen at {width} px");
            Assert.True(await PageLayout.InFirstScreenAsync(page, page.GetByTestId("host-state")), $"the host's state is off screen at {width} px");
            // Active: the events are folded away, in plain words, with the failure's reason once.
            var events = page.GetByTestId("events-production");
            Assert.Null(await events.GetAttributeAsync("open"));
            await events.Locator("summary").ClickAsync();
            await Expect(events.GetByTestId("event-row").First).ToBeVisibleAsync();
            await Expect(events).ToContainTextAsync("Creating");
            await Expect(events).Not.ToContainTextAsync("CREATE_IN_PROGRESS");
            await Expect(events).Not.ToContainTextAsync("Rollback requested by user");
            await Expect(events.GetByTestId("event-reason").Filter(new() { HasText = "The requested DB instance class is not available" })).ToHaveCountAsync(1);
            await Expect(events.GetByTestId("event-stack")).ToHaveCountAsync(2);
            Assert.Empty(await PageLayout.OverflowsAsync(page));
            await PageLayout.ScreenshotAsync(page, $"host-page-{width}");
            // The latest release opens its page.
            if (width == PageLayout.PhoneWidth)
            {
                await page.GetByTestId("latest-release-link-production").ClickAsync();
                await Expect(page.GetByTestId("release-page")).ToHaveAttributeAsync("data-release-id", production.ToString());
            }
        }
    }

    [Fact]
    public async Task An_environment_removed_by_a_change_is_named_once_instead_of_shown_as_a_card()
    {
        var (host, _) = await Fixture.HostAsync(requiredApprovals: 1);
        await Fixture.DbAsync(db => db.HostEnvironments.Where(e => e.Id == host.Environments[EnvironmentKind.Staging])
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.State, EnvironmentState.Decommissioned)));

        var page = await CustomerPageAsync(host.CustomerId);
        await page.GotoAsync($"/hosts/{host.Name}");
        await SignInPage.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByTestId("environment-production")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("environment-staging")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("removed-environments")).ToContainTextAsync("Removed from this host: staging.");
    }

    [Fact]
    public async Task The_operators_fleet_pages_fit_at_1366_and_390_px_with_stop_and_decide_in_reach()
    {
        var (host, projectId) = await Fixture.HostAsync(requiredApprovals: 1);
        var releaseId = await Fixture.PushAsync(host, projectId, "master", pusher: "someone-with-a-very-long-gitlab-user-name-indeed");
        await Fixture.WaitingAsync(releaseId);
        var ops = await Fixture.OperatorAsync();
        var page = await SignedInPageAsync(ops.Email, OperatorPortalFixture.Password);
        foreach (var (width, height) in PageLayout.Widths)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.GotoAsync($"/operations/hosts/{host.Id}");
            await SignInPage.WaitUntilInteractiveAsync(page);
            var row = page.Locator($"[data-testid='operator-release'][data-release-id='{releaseId}']");
            await Expect(row).ToHaveAttributeAsync("data-state", "WaitingForApproval");
            // Reachable: on screen once scrolled to, not clipped by its card or hidden at phone width.
            await row.GetByTestId("stop-release").ScrollIntoViewIfNeededAsync();
            await Expect(row.GetByTestId("stop-release")).ToBeInViewportAsync();
            await FitsAsync(page, width);

            await page.GotoAsync($"/operations/releases/{releaseId}");
            await SignInPage.WaitUntilInteractiveAsync(page);
            await Expect(page.GetByTestId("decide")).ToBeVisibleAsync();
            Assert.True(await PageLayout.InFirstScreenAsync(page, page.GetByTestId("release-state")), $"release state below the fold at {width} px");
            await FitsAsync(page, width);

            await page.GotoAsync("/operations/fleet");
            await SignInPage.WaitUntilInteractiveAsync(page);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet" })).ToBeVisibleAsync();
            await FitsAsync(page, width);
        }
    }

    private static async Task FitsAsync(IPage page, int width)
    {
        var overflows = await PageLayout.OverflowsAsync(page);
        Assert.True(overflows.Count == 0, $"{new Uri(page.Url).AbsolutePath} at {width} px: {string.Join("; ", overflows)}");
    }

    /// <summary>What a failed create and its rollback leave in two stacks' events, with long names.</summary>
    private Task EventsAsync(Guid environmentId) => Fixture.DbAsync(async db =>
    {
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        var infra = $"portal-a-customer-with-a-long-slug-web-production-{Guid.NewGuid():N}"[..60] + "-infra";
        var app = infra[..^6] + "-app";
        (string Stack, string Resource, string Type, string Status, string? Reason)[] rows =
        [
            (infra, infra, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
            (infra, "DatabaseInstanceWithAVeryLongLogicalResourceIdentifier", "AWS::RDS::DBInstance", "CREATE_IN_PROGRESS", null),
            (infra, "DatabaseInstanceWithAVeryLongLogicalResourceIdentifier", "AWS::RDS::DBInstance", "CREATE_FAILED",
                "The requested DB instance class is not available in the requested Availability Zone (Service: Rds, Status Code: 400)"),
            (infra, "LoadBalancerTargetGroupForTheBlueSide", "AWS::ElasticLoadBalancingV2::TargetGroup", "CREATE_FAILED", "Resource creation cancelled"),
            (infra, infra, "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS",
                "The following resource(s) failed to create: [DatabaseInstanceWithAVeryLongLogicalResourceIdentifier]. Rollback requested by user."),
            (infra, infra, "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE", null),
            (infra, infra, "AWS::CloudFormation::Stack", "UPDATE_COMPLETE", null),
            (app, app, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
            (app, "AutoScalingGroupOfTheBlueSideWithALongName", "AWS::AutoScaling::AutoScalingGroup", "CREATE_COMPLETE", null),
            (app, app, "AWS::CloudFormation::Stack", "CREATE_COMPLETE", null),
        ];
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            db.StackEvents.Add(new StackEvent
            {
                HostEnvironmentId = environmentId, EventId = Guid.NewGuid().ToString(), StackName = row.Stack, Timestamp = at.AddSeconds(i * 10),
                LogicalResourceId = row.Resource, ResourceType = row.Type, ResourceStatus = row.Status, ResourceStatusReason = row.Reason,
            });
        return await db.SaveChangesAsync();
    });

    private static ILocator Stage(IPage page, string name) => page.Locator($"[data-testid=release-stage][data-stage='{name}']");

    private static async Task ApproveAsync(TestOperator ops, Guid releaseId, string comment)
    {
        await Portal.Tests.Support.Poll.UntilAsync(async () => (await ApprovalApi.ListAsync(ops)).Any(a => a.GetProperty("releaseId").GetGuid() == releaseId),
            found => found, TimeSpan.FromSeconds(30), $"release {releaseId} waiting for approval");
        await ApprovalApi.DecideAsync(ops, releaseId, "approve", comment);
    }

    private Task SiteAsync(Guid environmentId, string site) => Fixture.DbAsync(async db =>
    {
        var environment = await db.HostEnvironments.SingleAsync(e => e.Id == environmentId);
        environment.Outputs = new Dictionary<string, string>(environment.Outputs) { ["SiteUrl"] = site };
        return await db.SaveChangesAsync();
    });

    /// <summary>A signed-in user of the customer (a new customer of their own when null).</summary>
    private async Task<IPage> CustomerPageAsync(Guid? customerId)
    {
        var (user, _) = await Fixture.CustomerAsync(customerId);
        var page = await SignedInPageAsync(user.Email!, OperatorPortalFixture.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My hosts" })).ToBeVisibleAsync();
        return page;
    }
}
