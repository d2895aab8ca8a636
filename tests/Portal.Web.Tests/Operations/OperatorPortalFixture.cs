using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Web.Auth;
using Portal.Web.Tests.Webhooks;

namespace Portal.Web.Tests.Operations;

/// <summary>
/// The portal with its release starters and a pipeline sync every second, against its own AWS emulator; hosts are
/// written to the database with their pipelines created at the emulator (staging and production with a manual approval).
/// </summary>
public sealed class OperatorPortalFixture : IAsyncLifetime
{
    public const string Password = "Operator#Pass1";

    public EmulatorHost Emulator { get; private set; } = null!;
    public PortalHost Portal { get; private set; } = null!;
    public IPipelines Pipelines => Portal.Services.GetRequiredService<IPipelines>();

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync();
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("operator");
        Portal = await PortalHost.StartAsync(connectionString, ReleasePortalFixture.Settings(Emulator, runJobServer: true));
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    /// <summary>An operator, optionally linked to a GitLab username, with an API client of their own.</summary>
    public async Task<TestOperator> OperatorAsync(string? gitLabUsername = null, string? email = null)
    {
        var user = await Portal.CreateUserAsync(PortalRoles.Operator, email ?? $"op-{Guid.NewGuid():N}@ops.example", Password);
        if (gitLabUsername is not null)
            await DbAsync(async db =>
            {
                await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.GitLabUsername, gitLabUsername));
                return 0;
            });
        var token = await Portal.WithScopeAsync(services =>
            services.GetRequiredService<ApiTokenService>().CreateAsync(new Actor(user.Id, user.Email!), "test"));
        return new TestOperator(user, Portal.CreateClient(token.Value));
    }

    public async Task<HttpClient> CustomerApiAsync()
    {
        var user = await Portal.CreateUserAsync(PortalRoles.Customer, $"cu-{Guid.NewGuid():N}@customer.example", Password);
        var token = await Portal.WithScopeAsync(services =>
            services.GetRequiredService<ApiTokenService>().CreateAsync(new Actor(user.Id, user.Email!), "test"));
        return Portal.CreateClient(token.Value);
    }

    /// <summary>A host whose staging (when asked) and production pipelines wait at a manual approval.</summary>
    public async Task<(TestHost Host, long ProjectId)> HostAsync(int requiredApprovals = 2, bool stagingApproval = true)
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        var host = await Portal.CreateHostAsync(projectId, "mike/diaspora");
        await DbAsync(async db =>
        {
            await db.Hosts.Where(h => h.Id == host.Id).ExecuteUpdateAsync(h => h.SetProperty(x => x.RequiredApprovals, requiredApprovals));
            return await db.HostEnvironments.Where(e => e.HostId == host.Id && e.Kind == EnvironmentKind.Staging)
                .ExecuteUpdateAsync(e => e.SetProperty(x => x.RequiresApproval, stagingApproval));
        });
        var cloudFormation = Portal.Services.GetRequiredService<ICloudFormation>();
        foreach (var (kind, pipeline) in host.Pipelines)
            await EmulatorPipelines.CreateAsync(cloudFormation, pipeline,
                withApproval: kind == EnvironmentKind.Production || (kind == EnvironmentKind.Staging && stagingApproval));
        return (host, projectId);
    }

    /// <summary>GitLab pushes to the branch as <paramref name="pusher"/>; returns the release.</summary>
    public async Task<Guid> PushAsync(TestHost host, long projectId, string branch, string pusher = "jsmith", string pusherEmail = "john@example.com",
        string? after = null)
    {
        var body = GitLabPayloads.Push($"refs/heads/{branch}", projectId, after: after ?? RandomCommit())
            .Replace("\"user_username\": \"jsmith\"", $"\"user_username\": \"{pusher}\"")
            .Replace("\"user_email\": \"john@example.com\"", $"\"user_email\": \"{pusherEmail}\"");
        using var gitlab = Portal.CreateClient();
        var response = await gitlab.SendAsync(GitLabSender.Push(body, host.WebhookToken));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("releaseId").GetGuid();
    }

    public async Task<Release> WaitingAsync(Guid releaseId)
    {
        try
        {
            return await ReleasePortalFixture.WaitForReleaseAsync(Portal, releaseId, r => r.State == ReleaseState.WaitingForApproval, "waiting for approval");
        }
        catch (TimeoutException e)
        {
            // Say where the execution stands at AWS too.
            var release = await ReleaseAsync(releaseId);
            var pipeline = await DbAsync(db => db.HostEnvironments.Where(h => h.Id == release.HostEnvironmentId).Select(h => h.PipelineName).SingleAsync());
            var state = await Pipelines.GetStateAsync(pipeline!);
            var failedJobs = Portal.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi().FailedJobs(0, 3)
                .Select(j => $"{j.Value.Job?.Method.Name}: {j.Value.ExceptionType}: {j.Value.ExceptionMessage}");
            throw new TimeoutException($"{e.Message} At AWS: " + string.Join("; ", state.Stages.Select(s =>
                $"{s.StageName} {s.LatestExecution?.PipelineExecutionId} {s.LatestExecution?.Status}")) +
                $". Failed jobs: {string.Join(" | ", failedJobs)}", e);
        }
    }

    public Task<Release> WaitForReleaseAsync(Guid releaseId, ReleaseState state) =>
        ReleasePortalFixture.WaitForReleaseAsync(Portal, releaseId, r => r.State == state, state.ToString());

    public Task<Release> ReleaseAsync(Guid releaseId) => ReleasePortalFixture.ReleaseAsync(Portal, releaseId);

    /// <summary>Waits until CodePipeline (the emulator) reports the execution's status.</summary>
    public Task<PipelineExecutionDetail> ExecutionAsync(string pipeline, string executionId, string status) =>
        Poll.UntilAsync(() => Pipelines.GetExecutionAsync(pipeline, executionId), e => e.Status == status, TimeSpan.FromSeconds(30),
            $"execution {executionId} to be {status}", e => $"{e.Status} ({e.StatusSummary})");

    /// <summary>How often the emulator has been asked to decide an approval so far.</summary>
    public async Task<long> PutApprovalResultCallsAsync() =>
        (await Emulator.StatsAsync()).Operations.Where(o => o.Key.EndsWith(":PutApprovalResult", StringComparison.Ordinal)).Sum(o => o.Value);

    public Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        Portal.WithScopeAsync(services => work(services.GetRequiredService<PortalDbContext>()));

    public Task<List<ApprovalDecision>> DecisionsAsync(Guid releaseId) =>
        DbAsync(db => db.ApprovalDecisions.AsNoTracking().Where(d => d.ReleaseId == releaseId).OrderBy(d => d.DecidedAt).ToListAsync());

    public Task<List<AuditEntry>> AuditAsync(Guid hostId) =>
        DbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.HostId == hostId).OrderBy(a => a.Id).ToListAsync());

    public static string RandomCommit() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "00000000";
}

public sealed record TestOperator(PortalUser User, HttpClient Api)
{
    public string Email => User.Email!;
}
