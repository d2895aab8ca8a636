using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Tests.Support.GitLabStandIn;
using Portal.Web.Tests.Webhooks;
using Xunit.Abstractions;

namespace Portal.Web.Tests.ScaleOut;

/// <summary>
/// A rolling restart of two portal processes, both running the job server, on one database, behind a load balancer that
/// routes as an AWS Application Load Balancer does (<see cref="AlbStandIn"/>), while GitLab push hooks keep arriving:
/// A gets SIGTERM, exits by itself, and a new A starts on the same address and database; once the load balancer has it
/// in service again, B is restarted the same way. Every delivery must be answered 2xx, each accepted push make exactly
/// one release, and each release start exactly one pipeline execution at the emulator, through the job servers running
/// at the time.
///
/// The model, kept honest: the load balancer learns that an instance is stopping only from its health check (readiness
/// turns 503 on SIGTERM), as with an instance restarted in place; no one deregisters it. It takes a target out of service
/// after two failing probes in a row (ALB's UnhealthyThresholdCount default) and back after two passing ones, and sends a
/// request once: a refused or reset connection is a 502 for GitLab, never tried on the other instance, because ALB does
/// not. So a delivery is lost exactly when an instance stops accepting before the load balancer stopped sending to it:
/// the drain (Portal:Shutdown:DrainDelay) must outlast UnhealthyThreshold × interval. Here the probe interval is 500 ms
/// (ALB's shortest is 5 s) and the drain 3 s: six intervals, where docs/operations.md asks for three (15 s against
/// 2 × 5 s), to leave room for a busy test machine; a probe times out after 450 ms, as ALB's timeout must be shorter than
/// its interval (a shorter one takes a slow but serving instance out of service, and with both out the load balancer
/// fails open onto the stopped one). Without the drain (DrainDelay 0) this test fails with 502s.
///
/// The pushes are of real commits at the GitLab stand-in (three hosts that have released before, their dev and staging
/// branches: a host's first release also rolls out a software stack update, and pushes wait for it to end),
/// pushed ahead of the hooks so that the sending keeps a steady pace; the hooks carry GitLab's headers and documented body, and
/// are sent as GitLab's Sidekiq workers send them: several at once, each waiting up to GitLab's 10 s webhook timeout.
/// Each body keeps the documented example's "before", so no push is older than another: superseding an older push is
/// ReleaseQueue's rule, with tests of its own.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Hosts = 3;
    private const int CommitsPerBranch = 30;
    private const int CommitBatch = 10;
    private static readonly string[] Branches = ["dev", "staging"];
    private static readonly TimeSpan SendEvery = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(3);
    private static readonly HealthCheckSettings HealthCheck = new(
        Interval: TimeSpan.FromMilliseconds(500), Timeout: TimeSpan.FromMilliseconds(450), HealthyThreshold: 2, UnhealthyThreshold: 2);

    private EmulatorHost emulator = null!;
    private StandInHost gitLab = null!;
    private string connectionString = null!;
    private PortalHost setup = null!;

    public async Task InitializeAsync()
    {
        emulator = await EmulatorHost.StartAsync();
        await EmulatorPipelines.SeedAsync(emulator);
        gitLab = await StandInHost.StartAsync();
        connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("rolling");
        // Makes the hosts and reads the database; no job server, so only the two instances under test start releases.
        setup = await PortalHost.StartAsync(connectionString, ReleasePortalFixture.Settings(emulator, gitLab, runJobServer: false));
    }

    public async Task DisposeAsync()
    {
        await setup.DisposeAsync();
        await emulator.DisposeAsync();
        await gitLab.DisposeAsync();
    }

    [Fact]
    public async Task A_rolling_restart_answers_every_push_and_starts_each_release_once()
    {
        var projects = new List<Project>();
        for (var i = 0; i < Hosts; i++)
        {
            var (host, repository) = await ReleasePortalFixture.CreateHostWithPipelinesAsync(setup, gitLab);
            await setup.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().HostEnvironments.Where(e => e.HostId == host.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.ReleaseDeployed, true)));
            var commits = Branches.ToDictionary(b => b, b => new ConcurrentQueue<string>(repository.CommitMany(b, CommitsPerBranch)));
            projects.Add(new Project(host, repository, commits));
        }

        var settings = ReleasePortalFixture.Settings(emulator, gitLab, runJobServer: true);
        settings["Portal:Shutdown:DrainDelay"] = DrainDelay.ToString();
        settings["Portal:Shutdown:Timeout"] = "00:00:30";
        var instances = new Dictionary<string, PortalProcess>();
        var everyProcess = new List<PortalProcess>();
        try
        {
            var started = await Task.WhenAll(
                PortalProcess.StartAsync(connectionString, settings), PortalProcess.StartAsync(connectionString, settings));
            (instances["A"], instances["B"]) = (started[0], started[1]);
            everyProcess.AddRange(started);
            await using var balancer = await AlbStandIn.StartAsync(HealthCheck, instances["A"].BaseUrl, instances["B"].BaseUrl);
            foreach (var instance in instances.Values) await balancer.WaitForAsync(instance.BaseUrl, TargetHealth.Healthy, TimeSpan.FromSeconds(10));

            using var stop = new CancellationTokenSource();
            var deliveries = new ConcurrentBag<Delivery>();
            var clock = Stopwatch.StartNew();
            var senders = projects.Select(p => Task.Run(() => SendPushesAsync(balancer.BaseUrl, p, deliveries, clock, stop.Token)))
                .Concat(projects.Select(p => Task.Run(() => CommitAheadAsync(p, stop.Token)))).ToList();
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var restarts = new List<Restart>();
            foreach (var name in new[] { "A", "B" })
            {
                var (replacement, restart) = await RestartAsync(name, instances[name], balancer, settings, clock);
                instances[name] = replacement;
                everyProcess.Add(replacement);
                restarts.Add(restart);
            }
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await stop.CancelAsync();
            await Task.WhenAll(senders);
            var sendingTime = clock.Elapsed;

            var all = deliveries.OrderBy(d => d.SentAt).ToList();
            output.WriteLine($"{all.Count} deliveries in {sendingTime.TotalSeconds:0.0} s ({all.Count / sendingTime.TotalSeconds:0.0}/s) " +
                $"through the load balancer (health check every {HealthCheck.Interval.TotalMilliseconds:0} ms, " +
                $"{HealthCheck.UnhealthyThreshold} failures out, {HealthCheck.HealthyThreshold} passes in; drain {DrainDelay.TotalSeconds:0.#} s)");
            foreach (var answer in all.GroupBy(d => d.Error is null ? $"{d.Status} {d.Answer}" : $"connection error: {d.Error}"))
                output.WriteLine($"  answered {answer.Key}: {answer.Count()}");
            output.WriteLine($"  slowest answer: {all.Max(d => d.Took).TotalMilliseconds:0} ms");
            foreach (var restart in restarts)
                output.WriteLine($"  restart of {restart.Name}: SIGTERM → out of service {Ms(restart.OutOfService)} " +
                    $"({all.Count(d => d.SentAt >= restart.From && d.SentAt < restart.From + restart.OutOfService)} deliveries sent till then), " +
                    $"exited {Ms(restart.Exited)} (code 0), " +
                    $"new {restart.Name} ready {Ms(restart.Ready)}, in service {Ms(restart.InService)}; " +
                    $"deliveries sent meanwhile: {all.Count(d => d.SentAt >= restart.From && d.SentAt < restart.From + restart.InService)}");
            foreach (var (name, instance) in instances)
            {
                var (forwarded, failed) = balancer.CountsOf(instance.BaseUrl);
                output.WriteLine($"  to {name}'s address: {forwarded} requests, {failed} answered 502/504 by the load balancer");
            }

            var unanswered = all.Where(d => d.Error is not null || d.Status != (int)HttpStatusCode.Accepted || d.Answer != "accepted").ToList();
            Assert.True(unanswered.Count == 0, $"{unanswered.Count} of {all.Count} deliveries were not accepted:\n" +
                string.Join("\n", unanswered.Take(10).Select(d => $"  at {Ms(d.SentAt)}: {d.Status} {d.Error ?? d.Body}")) +
                $"\n{Outputs(everyProcess)}");
            Assert.True(all.Count >= 40, $"Only {all.Count} deliveries were sent: too few to say anything of a restart.");
            foreach (var restart in restarts)
                Assert.True(all.Count(d => d.SentAt >= restart.From && d.SentAt < restart.From + restart.InService) >= 10,
                    $"Too few deliveries were sent while {restart.Name} restarted to say anything of it.");

            var releaseIds = all.Select(d => d.ReleaseId!.Value).ToHashSet();
            Assert.Equal(all.Count, releaseIds.Count);
            await AssertEachPushStartedOnceAsync(projects, releaseIds, everyProcess);
        }
        finally
        {
            foreach (var process in everyProcess) await process.DisposeAsync();
        }
    }

    /// <summary>
    /// Sends a push of the next commit of the project's branches (in turn) every <see cref="SendEvery"/>, without waiting
    /// for the answers.
    /// </summary>
    private static async Task SendPushesAsync(Uri balancer, Project project, ConcurrentBag<Delivery> deliveries, Stopwatch clock,
        CancellationToken stop)
    {
        // GitLab's webhook timeout: 10 s (WebHookService), then the delivery counts as failed.
        using var gitlab = new HttpClient { BaseAddress = balancer, Timeout = TimeSpan.FromSeconds(10) };
        var sending = new List<Task>();
        using var timer = new PeriodicTimer(SendEvery);
        try
        {
            for (var i = 0; await timer.WaitForNextTickAsync(stop); i++)
            {
                var branch = Branches[i % Branches.Length];
                if (project.Commits[branch].TryDequeue(out var commit)) sending.Add(SendAsync(gitlab, project, branch, commit, deliveries, clock));
            }
        }
        catch (OperationCanceledException)
        {
            // Sending stops; the deliveries sent are seen to their answers.
        }
        await Task.WhenAll(sending);
    }

    /// <summary>Keeps commits pushed ahead of the sender, a batch at a time, so that it never waits for git.</summary>
    private static async Task CommitAheadAsync(Project project, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var low = Branches.FirstOrDefault(b => project.Commits[b].Count < CommitsPerBranch);
            if (low is null)
            {
                await Task.Delay(100, CancellationToken.None);
                continue;
            }
            foreach (var commit in project.Repository.CommitMany(low, CommitBatch)) project.Commits[low].Enqueue(commit);
        }
    }

    private static async Task SendAsync(HttpClient gitlab, Project project, string branch, string commit, ConcurrentBag<Delivery> deliveries,
        Stopwatch clock)
    {
        var sentAt = clock.Elapsed;
        try
        {
            using var push = GitLabSender.Push(ReleasePortalFixture.PushOf(project.Repository, branch, commit), project.Host.WebhookToken);
            using var response = await gitlab.SendAsync(push);
            var body = await response.Content.ReadAsStringAsync();
            string? answer = null;
            Guid? releaseId = null;
            if (response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                var json = JsonDocument.Parse(body).RootElement;
                answer = json.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString() : null;
                releaseId = json.TryGetProperty("releaseId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetGuid() : null;
            }
            deliveries.Add(new Delivery(sentAt, clock.Elapsed - sentAt, (int)response.StatusCode, answer, body, releaseId, null));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            deliveries.Add(new Delivery(sentAt, clock.Elapsed - sentAt, 0, null, "", null, e.Message));
        }
    }

    /// <summary>SIGTERM to the instance, then a new one on its address once it exited; returns when the load balancer has it in service.</summary>
    private async Task<(PortalProcess Replacement, Restart Restart)> RestartAsync(string name, PortalProcess instance, AlbStandIn balancer,
        IReadOnlyDictionary<string, string?> settings, Stopwatch senders)
    {
        var address = instance.BaseUrl;
        var sentAt = senders.Elapsed;
        var from = balancer.Now;
        instance.Terminate();
        var outOfService = await balancer.WaitForAsync(address, TargetHealth.Unhealthy, TimeSpan.FromSeconds(10)) - from;
        var exitCode = await instance.WaitForExitAsync(TimeSpan.FromSeconds(40));
        Assert.True(exitCode == 0, $"{name} exited with {exitCode}:\n{instance.Output}");
        var exited = balancer.Now - from;
        var replacement = await PortalProcess.StartAsync(connectionString, settings, address);
        var ready = balancer.Now - from;
        var inService = await balancer.WaitForAsync(address, TargetHealth.Healthy, TimeSpan.FromSeconds(10)) - from;
        return (replacement, new Restart(name, sentAt, outOfService, exited, ready, inService));
    }

    /// <summary>
    /// Each accepted delivery is one row that made one release, and each release one execution of its environment's
    /// pipeline at the emulator: no pipeline has an execution no release knows.
    /// </summary>
    private async Task AssertEachPushStartedOnceAsync(List<Project> projects, HashSet<Guid> releaseIds, List<PortalProcess> processes)
    {
        var hostIds = projects.Select(p => p.Host.Id).ToList();
        var waited = Stopwatch.StartNew();
        var releases = await Poll.UntilAsync(() => setup.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Releases
                .AsNoTracking().Where(r => hostIds.Contains(r.HostEnvironment.HostId)).ToListAsync()),
            made => made.Count >= releaseIds.Count && made.All(r => r.PipelineExecutionId is not null), TimeSpan.FromSeconds(120),
            "every release to be started", made => $"{made.Count(r => r.PipelineExecutionId is not null)} of {made.Count} started; " +
                string.Join("; ", made.Where(r => r.PipelineExecutionId is null).Take(3).Select(r => $"{r.State} {r.StateReason}")) +
                $"\n{Outputs(processes)}");
        output.WriteLine($"  all {releases.Count} releases started {waited.Elapsed.TotalSeconds:0.0} s after the last answer");

        var recorded = await setup.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().PushDeliveries.AsNoTracking()
            .Where(d => d.HostId != null && hostIds.Contains(d.HostId.Value)).ToListAsync());
        Assert.Equal(releaseIds.Count, recorded.Count);
        Assert.All(recorded, d => Assert.Equal(DeliveryStatus.Started, d.Status));
        Assert.Equal(releaseIds.OrderBy(id => id), recorded.Select(d => d.ReleaseId!.Value).OrderBy(id => id));
        Assert.Equal(releaseIds.OrderBy(id => id), releases.Select(r => r.Id).OrderBy(id => id));
        Assert.Equal(recorded.Select(d => d.Id).OrderBy(id => id), releases.Select(r => r.PushDeliveryId!.Value).OrderBy(id => id));

        var pipelines = setup.Services.GetRequiredService<IPipelines>();
        var environments = projects.SelectMany(p => Branches.Select(b => (Environment: p.Host.Environments[KindOf(b)],
            Pipeline: p.Host.Pipelines[KindOf(b)])));
        foreach (var (environment, pipeline) in environments)
        {
            var executions = new List<string>();
            string? next = null;
            do
            {
                var page = await pipelines.ListExecutionsAsync(pipeline, maxResults: 100, nextToken: next);
                executions.AddRange(page.Items.Select(e => e.PipelineExecutionId));
                next = page.NextToken;
            }
            while (next is not null);
            var started = releases.Where(r => r.HostEnvironmentId == environment).Select(r => r.PipelineExecutionId!).ToList();
            Assert.True(executions.Count == started.Count && executions.ToHashSet().SetEquals(started),
                $"Pipeline {pipeline} has {executions.Count} executions for {started.Count} releases (each release must start exactly one).");
        }
    }

    private static EnvironmentKind KindOf(string branch) => TestHosts.DefaultBranches.Single(b => b.Value == branch).Key;

    private static string Ms(TimeSpan time) => $"{time.TotalMilliseconds:0} ms";

    private static string Outputs(IEnumerable<PortalProcess> processes) =>
        string.Join("\n", processes.Select((p, i) => $"--- portal process {i + 1} ({p.BaseUrl}):\n{p.Output}"));

    private sealed record Project(TestHost Host, GitLabRepository Repository, IReadOnlyDictionary<string, ConcurrentQueue<string>> Commits);

    /// <summary>
    /// One delivery as GitLab saw it: when it was sent, how long the answer took, the status (0: no answer) and the
    /// answer's status word.
    /// </summary>
    private sealed record Delivery(TimeSpan SentAt, TimeSpan Took, int Status, string? Answer, string Body, Guid? ReleaseId, string? Error);

    /// <summary>A restart's times after SIGTERM, which came at <paramref name="From"/> on the senders' clock.</summary>
    private sealed record Restart(string Name, TimeSpan From, TimeSpan OutOfService, TimeSpan Exited, TimeSpan Ready, TimeSpan InService);
}
