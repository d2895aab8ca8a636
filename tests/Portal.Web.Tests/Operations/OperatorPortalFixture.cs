using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Tests.Support.GitLabStandIn;
using Portal.Web.Auth;
using Portal.Web.Tests.Webhooks;

namespace Portal.Web.Tests.Operations;

/// <summary>
/// The portal with its release starters and a pipeline sync every second, against its own AWS emulator; hosts are
/// written to the database with their pipelines created at the emulator (staging and production with a manual approval).
/// </summary>
public class OperatorPortalFixture : IAsyncLifetime, IPortalFixture
{
    /// <summary>Whether the portal has Portal:PublicUrl (its mails link there; redirects go there too, out of a browser's reach).</summary>
    protected virtual bool WithPublicUrl => false;

    public const string Password = "Operator#Pass1";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, GitLabRepository> repositories = new();

    public EmulatorHost Emulator { get; private set; } = null!;
    public StandInHost GitLab { get; private set; } = null!;
    public PortalHost Portal { get; private set; } = null!;
    public SmtpPeer Smtp { get; private set; } = null!;
    public const string PublicUrl = "https://portal.example.test/";
    public IPipelines Pipelines => Portal.Services.GetRequiredService<IPipelines>();

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync();
        await EmulatorPipelines.SeedAsync(Emulator);
        GitLab = await StandInHost.StartAsync();
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("operator");
        Smtp = await SmtpPeer.StartAsync();
        var settings = ReleasePortalFixture.Settings(Emulator, GitLab, runJobServer: true);
        foreach (var (key, value) in Smtp.Settings(PublicUrl))
            if (key != "Portal:PublicUrl" || WithPublicUrl) settings[key] = value;
        // The mails link to the public URL, while the tests reach the portal at its loopback address.
        settings["AllowedHosts"] = "*";
        Portal = await PortalHost.StartAsync(connectionString, settings);
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Emulator.DisposeAsync();
        await GitLab.DisposeAsync();
        await Smtp.DisposeAsync();
        foreach (var repository in repositories.Values) repository.Dispose();
    }

    /// <summary>A GitLab push nobody in the portal is linked to (no stand-in user gets an id this large).</summary>
    public const long UnlinkedPusherId = 987_654_321;

    /// <summary>
    /// An operator with an API client of their own. Unless <paramref name="linkGitLab"/> is false, they have a GitLab user at
    /// the stand-in and link it the way a person does: a read_user token given to the portal, which asks GitLab (GET /user).
    /// </summary>
    public async Task<TestOperator> OperatorAsync(string? gitLabUsername = null, string? email = null, bool linkGitLab = true)
    {
        var user = await Portal.CreateUserAsync(PortalRoles.Operator, email ?? $"op-{Guid.NewGuid():N}@ops.example", Password);
        var token = await Portal.WithScopeAsync(services =>
            services.GetRequiredService<ApiTokenService>().CreateAsync(new Actor(user.Id, user.Email!), "test"));
        var api = Portal.CreateClient(token.Value);
        long? gitLabUserId = null;
        if (linkGitLab)
        {
            var (id, gitLabToken) = await GitLabUserAsync(gitLabUsername);
            using var linked = await api.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token = gitLabToken });
            Assert.True(linked.IsSuccessStatusCode, $"linking GitLab: {(int)linked.StatusCode} {await linked.Content.ReadAsStringAsync()}");
            gitLabUserId = id;
        }
        return new TestOperator(user, api, gitLabUserId);
    }

    /// <summary>A user at the GitLab stand-in with a read_user personal access token.</summary>
    public async Task<(long Id, string Token)> GitLabUserAsync(string? username = null)
    {
        var id = await GitLab.CreateUserAsync(username ?? "gl" + Guid.NewGuid().ToString("N")[..12]);
        var (_, token) = await GitLab.PersonalTokenAsync(id, ["read_user"]);
        return (id, token);
    }

    public async Task<HttpClient> CustomerApiAsync() => (await CustomerAsync()).Api;

    /// <summary>A customer user with an API client; of the customer <paramref name="customerId"/> when given.</summary>
    public async Task<(PortalUser User, HttpClient Api)> CustomerAsync(Guid? customerId = null)
    {
        var user = await Portal.CreateUserAsync(PortalRoles.Customer, $"cu-{Guid.NewGuid():N}@customer.example", Password);
        if (customerId is { } customer)
            await DbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.CustomerId, customer)));
        var token = await Portal.WithScopeAsync(services =>
            services.GetRequiredService<ApiTokenService>().CreateAsync(new Actor(user.Id, user.Email!), "test"));
        return (user, Portal.CreateClient(token.Value));
    }

    /// <summary>A host whose staging (when asked) and production pipelines wait at a manual approval.</summary>
    public async Task<(TestHost Host, long ProjectId)> HostAsync(int requiredApprovals = 2, bool stagingApproval = true)
    {
        var repository = await GitLabRepository.CreateAsync(GitLab, "dev", "staging", "master");
        var projectId = repository.ProjectId;
        var host = await Portal.CreateHostAsync(projectId, repository.Path, gitLabToken: repository.Token);
        repositories[host.Id] = repository;
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

    /// <summary>A new commit is pushed to the branch and GitLab sends its hook as <paramref name="pusher"/>; returns the release.</summary>
    /// <param name="pusherId">GitLab's user_id of the push; null: the push names no user_id.</param>
    public async Task<Guid> PushAsync(TestHost host, long projectId, string branch, string pusher = "jsmith", string pusherEmail = "john@example.com",
        string? after = null, long? pusherId = UnlinkedPusherId)
    {
        var repository = repositories[host.Id];
        var body = GitLabPayloads.Push($"refs/heads/{branch}", projectId, repository.Path,
                after: after ?? repository.Commit(branch, $"Change {Guid.NewGuid():N}", ($"changes/{Guid.NewGuid():N}.txt", "changed\n")))
            .Replace("\"user_username\": \"jsmith\"", $"\"user_username\": \"{pusher}\"")
            .Replace("\"user_email\": \"john@example.com\"", $"\"user_email\": \"{pusherEmail}\"")
            .Replace("\"user_id\": 4,", pusherId is { } id ? $"\"user_id\": {id}," : "");
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

}

public sealed record TestOperator(PortalUser User, HttpClient Api, long? GitLabUserId)
{
    public string Email => User.Email!;
}

/// <summary>The operator portal with Portal:PublicUrl set, for the links in its mails.</summary>
public sealed class MailPortalFixture : OperatorPortalFixture
{
    protected override bool WithPublicUrl => true;
}
