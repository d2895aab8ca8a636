using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.AwsEmulator;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Orders;
using Portal.Provisioning.Templates;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.Tests.Support;

/// <summary>
/// The portal, the AWS emulator and the GitLab stand-in wired together on a fresh database: the emulator knows the
/// shared listener and the artifact bucket the portal's (Development) platform settings name, the portal talks to the
/// stand-in as its GitLab, and the portal's jobs poll quickly. The stand-in has a tests user (Maintainer, api token
/// <see cref="GitLabToken"/>) and the empty projects of <see cref="SharedProjects"/> and <see cref="NextProject"/>, so plain
/// orders pass the token check. Every world of a test run shares one stand-in (a GitLab serves many portals; each test
/// makes or takes projects of its own), so its projects are made once.
/// </summary>
public sealed class ProvisioningWorld : IAsyncDisposable
{
    /// <summary>The tests user's api token at the stand-in.</summary>
    public const string GitLabToken = "glpat-portal-tests-0000000000000";

    /// <summary>Projects orders name without making their own (empty repositories: nothing to release, nothing to bake).</summary>
    public static readonly IReadOnlyList<string> SharedProjects =
        ["acme/shop", "acme/beta", "acme/alpha", "tools/ops_100", "bcorp/secret", "acme/journey", "acme/staging-gate"];

    /// <summary>
    /// How many more empty projects the stand-in has for <see cref="NextProject"/>: a project releases to one live host, so
    /// each order that does not care which project it names takes one no other order of the test run has taken.
    /// </summary>
    public const int PooledProjectCount = 240;

    private static int projectsTaken;

    /// <summary>A project at the stand-in that no other order of this test run has named (the tests user maintains it).</summary>
    public static string NextProject()
    {
        var taken = Interlocked.Increment(ref projectsTaken);
        if (taken > PooledProjectCount)
            throw new InvalidOperationException($"All {PooledProjectCount} pooled projects are taken: raise ProvisioningWorld.PooledProjectCount.");
        return PooledProject(taken);
    }

    private static string PooledProject(int number) => $"pool/app-{number:000}";

    /// <summary>The project's clone URL as the stand-in (GitLab's http_url_to_repo) gives it, once a world has started it.</summary>
    public static string ProjectUrlOf(string path) => new Uri(GitLabUrl, path + ".git").ToString();

    /// <summary>The shared stand-in's base URL (what its deliveries carry as X-Gitlab-Instance), once a world has started it.</summary>
    public static Uri GitLabUrl => SharedGitLab.Value.GetAwaiter().GetResult().BaseUrl;

    public static readonly IReadOnlyDictionary<string, string?> FastJobs = new Dictionary<string, string?>
    {
        ["Jobs:QueuePollInterval"] = "00:00:00.200",
        ["Jobs:SchedulePollingInterval"] = "00:00:00.200",
        ["Provisioning:MinCheckInterval"] = "00:00:00.200",
        ["Provisioning:MaxCheckInterval"] = "00:00:01",
        ["Provisioning:ReconcileInterval"] = "00:00:01",
        ["Provisioning:OverdueAfter"] = "00:00:03",
    };

    private ProvisioningWorld(EmulatorHost emulator, StandInHost gitLab, PortalHost portal, string connectionString)
    {
        Emulator = emulator;
        GitLab = gitLab;
        Portal = portal;
        ConnectionString = connectionString;
    }

    public EmulatorHost Emulator { get; }
    public StandInHost GitLab { get; }
    public PortalHost Portal { get; }
    public string ConnectionString { get; }

    public static async Task<ProvisioningWorld> StartAsync(IReadOnlyDictionary<string, string?>? portalSettings = null, IReadOnlyDictionary<string, string?>? emulatorSettings = null)
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("prov");
        var emulator = await EmulatorHost.StartAsync(emulatorSettings);
        var gitLab = await SharedGitLab.Value;
        var settings = new Dictionary<string, string?>(FastJobs) { ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString(), ["GitLab:Url"] = gitLab.BaseUrl.ToString() };
        foreach (var (key, value) in portalSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        var portal = await PortalHost.StartAsync(connectionString, settings);
        var platform = portal.Services.GetRequiredService<PlatformSettings>();
        await emulator.SeedListenerAsync(new SeedListener { ListenerArn = platform.SharedListenerArn });
        await emulator.SeedBucketAsync(new SeedBucket { Name = platform.ArtifactBucket, Region = platform.Region });
        return new ProvisioningWorld(emulator, gitLab, portal, connectionString);
    }

    private static readonly Lazy<Task<StandInHost>> SharedGitLab = new(StartGitLabAsync);

    private static async Task<StandInHost> StartGitLabAsync()
    {
        var gitLab = await StandInHost.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => gitLab.DisposeAsync().AsTask().GetAwaiter().GetResult();
        await SeedGitLabAsync(gitLab);
        return gitLab;
    }

    private static async Task SeedGitLabAsync(StandInHost gitLab)
    {
        var userId = await gitLab.CreateUserAsync("portal-tests");
        await gitLab.AdminPostAsync("tokens/personal", new { user_id = userId, scopes = new[] { "api" }, token = GitLabToken });
        var paths = SharedProjects.Concat(Enumerable.Range(1, PooledProjectCount).Select(PooledProject));
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (path, _) => await gitLab.AddMemberAsync(await gitLab.CreateProjectAsync(path), userId, 40));
    }

    /// <summary>A customer with an Ordered host of the given environments, as the order form saves it.</summary>
    public Task<Host> OrderAsync(string hostName, params EnvironmentKind[] environments) =>
        OrderAsync(hostName, environments, configure: null);

    public Task<Host> OrderAsync(string hostName, EnvironmentKind[] environments, Action<Host>? configure, string? customerSlug = null) =>
        Portal.WithScopeAsync(services => TestOrders.PlaceAsync(services.GetRequiredService<PortalDbContext>(), hostName, environments, configure, customerSlug));

    /// <summary>
    /// A host ordered as the order form saves it and provisioned by the portal's own jobs until Active, and the image bake
    /// provisioning asks for settled: the bake loop writes the environments, so a change confirmed meanwhile may lose that
    /// race (409 "changed meanwhile") on a busy machine.
    /// </summary>
    public async Task<Host> ActiveHostAsync(string hostName, params EnvironmentKind[] environments)
    {
        var order = await OrderAsync(hostName, environments);
        await WaitForAsync(order.Id, HostState.Active);
        return await Poll.UntilAsync(() => HostAsync(order.Id),
            h => h.State == HostState.Active && h.Environments.All(e => e.BakeRequestedAt is null && e.BakeExecutionId is null),
            TimeSpan.FromSeconds(60), $"host {order.Id}'s first bake to settle", Describe);
    }

    /// <summary>The host's order as the edit form starts it, with <paramref name="edit"/> applied.</summary>
    public static HostOrder Edit(Host host, Action<HostOrder> edit)
    {
        var order = HostOrderMapping.FromHost(host);
        edit(order);
        return order;
    }

    /// <summary>Calls the host changes service (propose, confirm, …) in a scope of its own.</summary>
    public Task<ChangeOutcome> ChangesAsync(Func<HostChanges, Task<ChangeOutcome>> call) =>
        Portal.WithScopeAsync(services => call(services.GetRequiredService<HostChanges>()));

    /// <summary>The change with its previewed stacks, fresh from the database.</summary>
    public Task<HostChange> ChangeAsync(Guid changeId) => Portal.WithScopeAsync(services =>
        services.GetRequiredService<PortalDbContext>().HostChanges.AsNoTracking().Include(c => c.Stacks).SingleAsync(c => c.Id == changeId));

    /// <summary>Waits until the change's preview is <paramref name="state"/>; a failed preview fails at once with its reason.</summary>
    public async Task<HostChange> WaitForChangeAsync(Guid changeId, HostChangeState state)
    {
        var change = await Poll.UntilAsync(() => ChangeAsync(changeId), c => c.State == state || c.State == HostChangeState.Failed,
            TimeSpan.FromSeconds(30), $"change {changeId} to be {state}", c => $"{c.State} {c.StateReason}");
        return change.State == state ? change : throw new InvalidOperationException($"The change is {change.State}: {change.StateReason}");
    }

    /// <summary>Proposes <paramref name="edit"/> of the host as <paramref name="actor"/>, waits for its preview and confirms it.</summary>
    public async Task<HostChange> ConfirmChangeAsync(Actor actor, Host host, Action<HostOrder> edit)
    {
        var order = Edit(await HostAsync(host.Id), edit);
        var proposed = await ChangesAsync(c => c.ProposeAsync(actor, host.CustomerId, host.Name, order));
        var change = await WaitForChangeAsync(Done(proposed).Change.Id, HostChangeState.Ready);
        Done(await ChangesAsync(c => c.ConfirmAsync(actor, host.CustomerId, host.Name, change.Id)));
        return change;
    }

    private static ChangeOutcome.Done Done(ChangeOutcome outcome) =>
        outcome as ChangeOutcome.Done ?? throw new InvalidOperationException($"The change was not done: {outcome}");

    /// <summary>The host with its environments, fresh from the database.</summary>
    public Task<Host> HostAsync(Guid hostId) => Portal.WithScopeAsync(services =>
        services.GetRequiredService<PortalDbContext>().Hosts.AsNoTracking().Include(h => h.Environments).SingleAsync(h => h.Id == hostId));

    public Task<Host> WaitForAsync(Guid hostId, HostState state, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => HostAsync(hostId), h => h.State == state, timeout ?? TimeSpan.FromSeconds(60),
            $"host {hostId} to be {state}", Describe);

    public static string Describe(Host host) =>
        $"{host.State} ({host.StateReason}); " + string.Join(", ", host.Environments.Select(e => $"{e.Kind} {e.State} {e.StateReason} (operation {e.Operation}, next check {e.NextCheckAt:HH:mm:ss.fff})"));

    public async ValueTask DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
