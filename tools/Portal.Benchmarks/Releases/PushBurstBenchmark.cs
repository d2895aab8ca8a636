using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.AwsEmulator.Admin;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.Benchmarks.Releases;

/// <summary>
/// A burst of accepted pushes spread over many hosts, at a steady rate, against the real portal (job server on, default
/// release settings), the AWS emulator (pipeline actions taking <c>--action-ms</c>) and the GitLab stand-in, on durable
/// Postgres. Prints the AWS read calls the release-state sync made per release (goal ≤ 2) and the time from the last
/// push until the last release's execution started (goal ≤ 30 s), and how the emulator kept up (its CPU time).
/// </summary>
public sealed class PushBurstBenchmark : IBenchmark
{
    private static readonly string[] ReadOperations =
        ["codepipeline:GetPipelineState", "codepipeline:ListPipelineExecutions", "codepipeline:GetPipelineExecution"];

    public string Name => "push-burst";

    public string Description =>
        "a burst of accepted pushes (args: [--pushes 3000] [--seconds 60] [--hosts 20] [--action-ms 250]): AWS read calls per release " +
        "(goal ≤ 2) and last push to last execution started (goal ≤ 30 s)";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var pushes = IntArg(args, "--pushes", 3000);
        var seconds = IntArg(args, "--seconds", 60);
        var hostCount = IntArg(args, "--hosts", 20);
        var actionDelay = TimeSpan.FromMilliseconds(IntArg(args, "--action-ms", 250));

        await using var postgres = await DurablePostgres.StartAsync();
        await using var emulator = await EmulatorHost.StartAsync(new Dictionary<string, string?> { ["Emulator:ActionDelay"] = actionDelay.ToString() });
        await EmulatorPipelines.SeedAsync(emulator);
        await using var gitLab = await StandInHost.StartAsync();
        await using var portal = await PortalHost.StartAsync(await postgres.CreateDatabaseAsync("bench_burst"), new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString(),
            ["GitLab:Url"] = gitLab.BaseUrl.ToString(),
            ["Webhooks:RateLimitBurst"] = "1000000",
            ["Webhooks:RateLimitPerSecond"] = "1000000",
        });

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; {pushes} pushes in {seconds} s to {hostCount} hosts (dev environment each), " +
            $"pipeline actions take {actionDelay.TotalMilliseconds:0} ms; sync every {portal.Services.GetRequiredService<Portal.Releases.ReleaseOptions>().SyncIntervalSeconds} s");
        var targets = await CreateHostsAsync(portal, gitLab, hostCount, cancellationToken);
        var bodies = Enumerable.Range(0, pushes).Select(i => targets[i % targets.Count]).ToList();

        var before = await emulator.StatsAsync();
        var emulatorCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (sent, lastSentAt, refused) = await BurstAsync(portal, bodies, TimeSpan.FromSeconds(seconds), cancellationToken);
        Console.WriteLine($"sent {sent} pushes ({refused} not accepted); the last at {lastSentAt:HH:mm:ss.fff}");

        var (started, lastStartedAt, pending) = await WaitForStartsAsync(portal, sent - refused, cancellationToken);
        var lag = lastStartedAt is { } at ? (at - lastSentAt).TotalSeconds : double.NaN;
        await PrintOutcomesAsync(portal, cancellationToken);
        var settled = await WaitForSettledAsync(portal, TimeSpan.FromMinutes(3), cancellationToken);
        var after = await emulator.StatsAsync();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - emulatorCpu;

        var reads = ReadOperations.ToDictionary(o => o, o => Delta(before, after, o));
        var totalReads = reads.Values.Sum();
        Console.WriteLine();
        Console.WriteLine($"releases started: {started} of {sent - refused} accepted pushes ({pending} not started when measured)");
        Console.WriteLine($"last push → last execution started: {lag:0.0} s (goal ≤ 30 s)");
        Console.WriteLine($"AWS read calls by the sync until every release settled ({(settled ? "all settled" : "NOT all settled after 3 min")}): " +
            string.Join(", ", reads.Select(r => $"{r.Key.Split(':')[1]} {r.Value:N0}")) +
            $"; {totalReads / Math.Max(1.0, started):0.00} per release (goal ≤ 2)");
        Console.WriteLine($"StartPipelineExecution calls: {Delta(before, after, "codepipeline:StartPipelineExecution"):N0}; " +
            $"CPU of this process (portal + emulator + stand-in) during the run: {cpu.TotalSeconds:N0} s");
    }

    private sealed record Target(string Token, GitLabRepository Repository, string Commit);

    private static async Task<List<Target>> CreateHostsAsync(PortalHost portal, StandInHost gitLab, int count, CancellationToken cancellationToken)
    {
        var cloudFormation = portal.Services.GetRequiredService<ICloudFormation>();
        var targets = new ConcurrentBag<Target>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (_, _) =>
            {
                var repository = await GitLabRepository.CreateAsync(gitLab, "dev");
                var host = await portal.CreateHostAsync(repository.ProjectId, repository.Path, gitLabToken: repository.Token);
                await portal.MarkBakedAsync(host, repository.Head("dev"));
                await EmulatorPipelines.CreateAsync(cloudFormation, host.Pipelines[EnvironmentKind.Dev], withApproval: false);
                targets.Add(new Target(host.WebhookToken, repository, repository.Head("dev")));
            });
        return targets.ToList();
    }

    /// <summary>Sends every push at its slot of an even schedule over the window (8 senders); when each was sent.</summary>
    private static async Task<(int Sent, DateTimeOffset LastSentAt, int Refused)> BurstAsync(PortalHost portal, List<Target> pushes, TimeSpan window,
        CancellationToken cancellationToken)
    {
        using var gitlab = portal.CreateClient();
        var next = -1;
        var refused = 0;
        var lastSent = DateTimeOffset.MinValue;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < pushes.Count)
            {
                var due = window * i / pushes.Count - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due, cancellationToken);
                var target = pushes[i];
                using var request = GitLabSender.Push(GitLabPayloads.Push("refs/heads/dev", target.Repository.ProjectId, target.Repository.Path,
                    before: GitLabPayloads.ZeroSha, after: target.Commit), target.Token);
                var sentAt = DateTimeOffset.UtcNow;
                using var response = await gitlab.SendAsync(request, cancellationToken);
                if (response.StatusCode != HttpStatusCode.Accepted) Interlocked.Increment(ref refused);
                lock (pushes) if (sentAt > lastSent) lastSent = sentAt;
            }
        }));
        return (pushes.Count, lastSent, refused);
    }

    /// <summary>
    /// Waits until every release made from the burst has an execution (or two minutes pass without progress); the moment
    /// the last one was seen started (polled every 100 ms).
    /// </summary>
    private static async Task<(int Started, DateTimeOffset? LastStartedAt, int Pending)> WaitForStartsAsync(PortalHost portal, int expected,
        CancellationToken cancellationToken)
    {
        var (started, pending, lastProgress) = (0, expected, DateTimeOffset.UtcNow);
        DateTimeOffset? lastStartedAt = null;
        while (DateTimeOffset.UtcNow - lastProgress < TimeSpan.FromMinutes(2))
        {
            var (nowStarted, nowPending) = await portal.WithScopeAsync(async services =>
            {
                var db = services.GetRequiredService<PortalDbContext>();
                return (await db.Releases.CountAsync(r => r.PipelineExecutionId != null, cancellationToken),
                    await db.PushDeliveries.CountAsync(d => d.Status == DeliveryStatus.Accepted, cancellationToken)
                    + await db.Releases.CountAsync(r => r.State == ReleaseState.Pending, cancellationToken));
            });
            if (nowStarted != started) (lastStartedAt, lastProgress) = (DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
            (started, pending) = (nowStarted, nowPending);
            if (started >= expected || pending == 0) break;
            await Task.Delay(100, cancellationToken);
        }
        return (started, lastStartedAt, pending);
    }

    /// <summary>What became of every delivery of the burst, and a reason of each kind: where the pushes that did not start went.</summary>
    private static async Task PrintOutcomesAsync(PortalHost portal, CancellationToken cancellationToken)
    {
        var outcomes = await portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().PushDeliveries
            .GroupBy(d => new { d.Status, d.IgnoredBecause })
            .Select(g => new { g.Key.Status, g.Key.IgnoredBecause, Count = g.Count(), Reason = g.Max(d => d.StatusReason) })
            .ToListAsync(cancellationToken));
        Console.WriteLine("deliveries: " + string.Join("; ", outcomes.OrderByDescending(o => o.Count).Select(o =>
            $"{o.Count} {o.Status}{(o.IgnoredBecause is { } why ? $" ({why})" : "")}{(o.Reason is { } reason ? $", e.g. \"{reason}\"" : "")}")));
    }

    /// <summary>Waits until no release is in flight (the sync followed every execution to its end), or the timeout.</summary>
    private static async Task<bool> WaitForSettledAsync(PortalHost portal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var inFlight = await portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Releases
                .CountAsync(r => r.State == ReleaseState.InProgress || r.State == ReleaseState.WaitingForApproval || r.State == ReleaseState.Pending,
                    cancellationToken));
            if (inFlight == 0) return true;
            await Task.Delay(1000, cancellationToken);
        }
        return false;
    }

    private static long Delta(StatsSnapshot before, StatsSnapshot after, string operation) =>
        after.Operations.GetValueOrDefault(operation) - before.Operations.GetValueOrDefault(operation);

    private static int IntArg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
