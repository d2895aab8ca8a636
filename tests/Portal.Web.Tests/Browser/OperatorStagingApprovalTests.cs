using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Releases.Approvals;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Tests.Support.GitLabStandIn;
using Portal.Web.Tests.Api;
using Portal.Web.Tests.Webhooks;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

/// <summary>
/// The whole way with the real templates: an operator makes a customer's staging environment wait for approval (the
/// pipeline gains its Approval stage through a stack update), then approves a staging release and it deploys.
/// </summary>
public sealed class OperatorStagingApprovalTests(PortalFixture fixture) : PortalBrowserTests(fixture)
{
    private const string Password = "Operator#Pass1";
    [Fact]
    public async Task An_operator_turns_on_staging_approval_and_approves_a_staging_release_that_then_deploys()
    {
        var (_, api) = await new HostApiHelpers(Fixture).CustomerAsync();
        using var repository = await GitLabRepository.CreateAsync(Fixture.World.GitLab, "dev", "staging");
        var project = repository.Path;
        var order = await api.PostAsJsonAsync("/api/v1/hosts", new
        {
            name = "gate", plan = "small", environments = new[] { "dev", "staging" },
            gitLabProjectPath = project, gitLabProjectUrl = $"https://gitlab.example.com/{project}.git",
            gitLabToken = repository.Token, approverEmails = new[] { "qa@acme.example" }, databaseEngine = "none",
        });
        Assert.True(order.StatusCode == HttpStatusCode.Created, await order.Content.ReadAsStringAsync());
        var created = await order.Content.ReadFromJsonAsync<JsonElement>();
        var hostId = created.GetProperty("host").GetProperty("id").GetGuid();
        var webhookToken = created.GetProperty("webhookToken").GetString()!;
        await Fixture.World.WaitForAsync(hostId, HostState.Active, TimeSpan.FromMinutes(3));
        // Settled as ProvisioningWorld.ActiveHostAsync has it: the first image bake and its roll-out (a stack update of
        // every environment) are over before the operator changes the staging pipeline.
        var host = await Poll.UntilAsync(() => Fixture.World.HostAsync(hostId),
            h => h.State == HostState.Active && h.Environments.All(e => e.BakeRequestedAt is null && e.BakeExecutionId is null && e.Operation == EnvironmentOperation.None),
            TimeSpan.FromSeconds(90), "the first bake and its roll-out to settle", ProvisioningWorld.Describe);
        var staging = host.Environments.Single(e => e.Kind == EnvironmentKind.Staging);
        Assert.Equal(["Source", "Build", "Deploy"], await StagesAsync(staging.PipelineName!));

        var ops = await Fixture.Portal.CreateUserAsync(PortalRoles.Operator, $"op-{Guid.NewGuid():N}@ops.example", Password);
        await SignInPage.SignInAsync(Page, ops.Email!, Password);
        await Expect(Page.GetByTestId("nav-fleet")).ToBeVisibleAsync();
        await SignInPage.WaitUntilInteractiveAsync(Page); // a click before the page is interactive can be lost
        await Page.GetByTestId("nav-fleet").ClickAsync();
        await Page.WaitForURLAsync("**/operations/fleet");
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Page.Locator("#fleet-search").FillAsync(project);
        await Expect(Page.GetByTestId("fleet-host-link")).ToHaveCountAsync(1);
        await Page.GetByTestId("fleet-host-link").ClickAsync();
        await Expect(Page.GetByTestId("approval-settings")).ToBeVisibleAsync();
        await SignInPage.WaitUntilInteractiveAsync(Page);
        await Expect(Page.GetByTestId("environment-staging")).ToBeVisibleAsync(); // the customer's own view of the host

        await Page.GetByTestId("approval-switch-staging").Locator("input").CheckAsync();
        await Expect(Page.GetByTestId("action-result")).ToContainTextAsync("staging releases will wait for approval");
        var updated = await Poll.UntilAsync(() => Fixture.World.HostAsync(hostId),
            h => h.State == HostState.Active && h.Environments.Single(e => e.Kind == EnvironmentKind.Staging) is { State: EnvironmentState.Active, Operation: EnvironmentOperation.None },
            TimeSpan.FromSeconds(60), "the staging pipeline to be updated", ProvisioningWorld.Describe);
        Assert.True(updated.Environments.Single(e => e.Kind == EnvironmentKind.Staging).RequiresApproval);
        Assert.Equal(["Source", "Build", "Approval", "Deploy"], await StagesAsync(staging.PipelineName!));
        await Expect(Page.GetByTestId("approval-switch-staging").Locator("input")).ToBeCheckedAsync();

        using var gitlab = Fixture.Portal.CreateClient();
        // The branch's head, not a new commit: a commit pushed to the stand-in is delivered by the hook the portal
        // manages there as well, and a second execution of a SUPERSEDED pipeline waits behind the first one's approval.
        var push = await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "staging", after: repository.Head("staging")),
            webhookToken).From(Fixture.World.GitLab.BaseUrl));
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        var releaseId = (await push.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("releaseId").GetGuid();
        var waiting = await SyncUntilAsync(staging.Id, releaseId, ReleaseState.WaitingForApproval);
        Assert.Equal("Approval", waiting.PendingApprovalStage);

        await Page.GetByTestId("nav-approvals").ClickAsync();
        await SignInPage.WaitUntilInteractiveAsync(Page);
        var card = Page.Locator($"[data-testid=approval][data-release-id='{releaseId}']");
        await Expect(card.GetByTestId("approval-environment")).ToHaveTextAsync("staging");
        await Expect(card.GetByTestId("approval-count")).ToContainTextAsync("0 of 1");
        await card.GetByTestId("approve").ClickAsync();
        await Page.Locator("#decision-comment").FillAsync("Staging smoke tests are green.");
        await Page.GetByTestId("decision-confirm").ClickAsync();

        await Expect(Page.GetByTestId("decision-result")).ToHaveAttributeAsync("data-outcome", nameof(DecisionOutcome.Approved));
        var pipelines = Fixture.Portal.Services.GetRequiredService<IPipelines>();
        var execution = await Poll.UntilAsync(() => pipelines.GetExecutionAsync(staging.PipelineName!, waiting.PipelineExecutionId!),
            e => e.Status == "Succeeded", TimeSpan.FromSeconds(60), "the staging execution to succeed", e => e.Status);
        Assert.Equal(waiting.PipelineExecutionId, execution.PipelineExecutionId);
        var release = await SyncUntilAsync(staging.Id, releaseId, ReleaseState.Succeeded);
        Assert.Contains(release.Stages, s => s is { Name: "Deploy", Status: "Succeeded" });
        var audit = await Fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().AuditEntries.AsNoTracking()
            .Where(a => a.HostId == hostId).Select(a => a.Action).ToListAsync());
        Assert.Contains("environment.approval-required", audit);
        Assert.Contains("release.approved", audit);
    }

    private async Task<List<string>> StagesAsync(string pipeline) =>
        (await Fixture.Portal.Services.GetRequiredService<IPipelines>().GetStateAsync(pipeline)).Stages.Select(s => s.StageName).ToList();

    private Task<Release> SyncUntilAsync(Guid environmentId, Guid releaseId, ReleaseState state) =>
        ReleasePortalFixture.SyncUntilAsync(Fixture.Portal, environmentId, releaseId, r => r.State == state, state.ToString(), TimeSpan.FromSeconds(60));
}
