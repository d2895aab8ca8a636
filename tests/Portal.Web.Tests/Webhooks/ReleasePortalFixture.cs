using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Releases.Sync;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// The portal with its release starters and state sync, talking to the AWS emulator and the GitLab stand-in over real
/// HTTP. The AWS client makes one attempt per call so that the portal's own retries (with short delays here) are what
/// a fault exercises. Hosts release from real repositories at the stand-in: every push is of a real commit.
/// </summary>
public sealed class ReleasePortalFixture : IAsyncLifetime
{
    public EmulatorHost Emulator { get; private set; } = null!;
    public StandInHost GitLab { get; private set; } = null!;
    public PortalHost Portal { get; private set; } = null!;
    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync();
        await EmulatorPipelines.SeedAsync(Emulator);
        GitLab = await StandInHost.StartAsync();
        ConnectionString = await PostgresCluster.Shared.CreateDatabaseAsync("release");
        Portal = await StartPortalAsync(runJobServer: true);
    }

    public Task<PortalHost> StartPortalAsync(bool runJobServer) => PortalHost.StartAsync(ConnectionString, Settings(Emulator, GitLab, runJobServer));

    public static Dictionary<string, string?> Settings(EmulatorHost emulator, StandInHost gitLab, bool runJobServer) => new()
    {
        ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString(),
        ["GitLab:Url"] = gitLab.BaseUrl.ToString(),
        ["Aws:MaxAttempts"] = "1",
        ["Jobs:RunServer"] = runJobServer ? "true" : "false",
        ["Releases:StartPollInterval"] = "00:00:00.100",
        ["Releases:RetryBaseDelay"] = "00:00:00.050",
        ["Releases:RetryMaxDelay"] = "00:00:00.200",
        ["Releases:MaxStartAttempts"] = "4",
        ["Releases:SyncIntervalSeconds"] = "1",
        ["Releases:SyncIdlePollInterval"] = "00:00:01",
        ["Webhooks:RateLimitBurst"] = "100000",
        ["Webhooks:RateLimitPerSecond"] = "100000",
        ["Webhooks:RefusedRateLimitBurst"] = "100000",
        ["Webhooks:RefusedRateLimitPerSecond"] = "100000",
    };

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Emulator.DisposeAsync();
        await GitLab.DisposeAsync();
    }

    /// <summary>
    /// A host whose environments' pipelines exist at the emulator (production with its manual approval), releasing from a
    /// new repository at the stand-in whose dev, staging and master branches hold the first commit.
    /// </summary>
    public Task<(TestHost Host, GitLabRepository Repository)> CreateHostWithPipelinesAsync() => CreateHostWithPipelinesAsync(Portal, GitLab);

    public static async Task<(TestHost Host, GitLabRepository Repository)> CreateHostWithPipelinesAsync(PortalHost portal, StandInHost gitLab)
    {
        var repository = await GitLabRepository.CreateAsync(gitLab, "dev", "staging", "master");
        var host = await portal.CreateHostAsync(repository.ProjectId, repository.Path, gitLabToken: repository.Token);
        var cloudFormation = portal.Services.GetRequiredService<ICloudFormation>();
        foreach (var (kind, pipeline) in host.Pipelines)
            await EmulatorPipelines.CreateAsync(cloudFormation, pipeline, withApproval: kind == EnvironmentKind.Production);
        return (host, repository);
    }

    /// <summary>GitLab's push hook body for a new commit pushed to the branch (or for <paramref name="after"/>, already pushed).</summary>
    public static string PushOf(GitLabRepository repository, string branch, string? after = null) =>
        GitLabPayloads.Push($"refs/heads/{branch}", repository.ProjectId, repository.Path,
            after: after ?? repository.Commit(branch, $"Change {Guid.NewGuid():N}", ($"changes/{Guid.NewGuid():N}.txt", "changed\n")));

    public IPipelines Pipelines => Portal.Services.GetRequiredService<IPipelines>();

    public static async Task<Release> ReleaseAsync(PortalHost portal, Guid releaseId) =>
        await FindReleaseAsync(portal, releaseId) ?? throw new InvalidOperationException($"Release {releaseId} does not exist.");

    private static Task<Release?> FindReleaseAsync(PortalHost portal, Guid releaseId) => portal.WithScopeAsync(services =>
        services.GetRequiredService<PortalDbContext>().Releases.AsNoTracking().Include(r => r.Stages).Include(r => r.PushDelivery)
            .SingleOrDefaultAsync(r => r.Id == releaseId));

    public Task<Release> ReleaseAsync(Guid releaseId) => ReleaseAsync(Portal, releaseId);

    /// <summary>Polls until the release exists and satisfies the condition (the starters make it, start it and sync it in the background).</summary>
    public static async Task<Release> WaitForReleaseAsync(PortalHost portal, Guid releaseId, Func<Release, bool> condition, string what,
        TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var release = await FindReleaseAsync(portal, releaseId);
            if (release is not null && condition(release)) return release;
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException(release is null ? $"Release {releaseId} was never made from its push."
                    : $"Release never became {what}: it is {release.State} ({release.StateReason}).");
            await Task.Delay(50);
        }
    }

    public Task<Release> WaitForReleaseAsync(Guid releaseId, Func<Release, bool> condition, string what, TimeSpan? timeout = null) =>
        WaitForReleaseAsync(Portal, releaseId, condition, what, timeout);

    /// <summary>
    /// Waits for the release to be made, then refreshes its environment (as the host page's refresh does, rather than
    /// waiting for the recurring sync) until the release satisfies the condition.
    /// </summary>
    public static async Task<Release> SyncUntilAsync(PortalHost portal, Guid environmentId, Guid releaseId, Func<Release, bool> condition,
        string what, TimeSpan timeout)
    {
        await WaitForReleaseAsync(portal, releaseId, _ => true, "made");
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            await portal.WithScopeAsync(services => services.GetRequiredService<ReleaseStateSync>().SyncEnvironmentAsync(environmentId, default));
            var release = await ReleaseAsync(portal, releaseId);
            if (condition(release)) return release;
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"Release never became {what}: it is {release.State} ({release.StateReason}).");
            await Task.Delay(100);
        }
    }

    public async Task<IReadOnlyList<PipelineExecutionSummary>> ExecutionsAsync(string pipelineName) =>
        (await Pipelines.ListExecutionsAsync(pipelineName)).Items;
}
