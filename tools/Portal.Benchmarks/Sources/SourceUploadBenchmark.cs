using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.Benchmarks.Sources;

/// <summary>
/// A push's way to its pipeline with the source: the push hook reaches the portal, which fetches the commit's archive
/// from the GitLab stand-in, re-zips it, puts it in the emulator's S3 and calls StartPipelineExecution with its version.
/// Repositories hold one incompressible file of the size asked for (so the archive is that large). Then 20 such pushes
/// of 50 MB at once, to 20 hosts, with 20 start workers: the portal's peak RSS and managed heap while they are in flight
/// show whether archives are streamed (flat) or buffered (20 x 50 MB more). Portal, stand-in and emulator share this
/// process, so the RSS is all three; the managed heap is the figure that would grow with buffering.
/// </summary>
public sealed class SourceUploadBenchmark : IBenchmark
{
    public string Name => "source-upload";

    public string Description =>
        "push -> StartPipelineExecution incl. archive fetch and S3 upload, 1 MB and 50 MB archives (goal p50 < 1 s for 1 MB); " +
        "peak RSS / managed heap with 20 x 50 MB in flight (goal: flat). Args: [--samples 15] [--large-samples 4] [--parallel 20]";

    private const int Mebibyte = 1024 * 1024;

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var samples = IntArg(args, "--samples", 15);
        var largeSamples = IntArg(args, "--large-samples", 4);
        var parallel = IntArg(args, "--parallel", 20);
        await using var emulator = await EmulatorHost.StartAsync();
        await EmulatorPipelines.SeedAsync(emulator);
        await using var gitLab = await StandInHost.StartAsync();
        var database = await PostgresCluster.Shared.CreateDatabaseAsync("sources");
        await using var portal = await PortalHost.StartAsync(database, new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString(),
            ["GitLab:Url"] = gitLab.BaseUrl.ToString(),
            ["Jobs:RunServer"] = "true",
            ["Releases:StartPollInterval"] = "00:00:00.100",
            ["Releases:StartWorkers"] = parallel.ToString(CultureInfo.InvariantCulture),
            ["Releases:SyncIntervalSeconds"] = "30",
            ["Webhooks:RateLimitBurst"] = "100000",
            ["Webhooks:RateLimitPerSecond"] = "100000",
        });
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; {samples} pushes of 1 MB, {largeSamples} of 50 MB one at a time; {parallel} x 50 MB at once");

        var small = await SequentialAsync(portal, gitLab, 1, samples, cancellationToken);
        Print("1 MB archive ", small, "goal p50 < 1 s");
        var large = await SequentialAsync(portal, gitLab, 50, largeSamples, cancellationToken);
        Print("50 MB archive", large, "");
        await ParallelAsync(portal, gitLab, 50, parallel, cancellationToken);
    }

    private static async Task<List<TimeSpan>> SequentialAsync(PortalHost portal, StandInHost gitLab, int megabytes, int count, CancellationToken cancellationToken)
    {
        var (host, repository) = await HostAsync(portal, gitLab, megabytes);
        using (repository)
        {
            await PushAndWaitAsync(portal, host, repository, cancellationToken); // warm-up
            var latencies = new List<TimeSpan>();
            for (var i = 0; i < count; i++) latencies.Add(await PushAndWaitAsync(portal, host, repository, cancellationToken));
            return latencies;
        }
    }

    private static async Task ParallelAsync(PortalHost portal, StandInHost gitLab, int megabytes, int count, CancellationToken cancellationToken)
    {
        var hosts = new List<(TestHost Host, GitLabRepository Repository)>();
        for (var i = 0; i < count; i++) hosts.Add(await HostAsync(portal, gitLab, megabytes));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseRss = process.WorkingSet64;
        var baseHeap = GC.GetTotalMemory(forceFullCollection: false);
        long peakRss = baseRss, peakHeap = baseHeap, peakCommitted = GC.GetGCMemoryInfo().TotalCommittedBytes;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peakRss = Math.Max(peakRss, process.WorkingSet64);
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                peakCommitted = Math.Max(peakCommitted, GC.GetGCMemoryInfo().TotalCommittedBytes);
                await Task.Delay(20);
            }
        }, cancellationToken);
        var clock = Stopwatch.StartNew();
        var latencies = await Task.WhenAll(hosts.Select(h => PushAndWaitAsync(portal, h.Host, h.Repository, cancellationToken)));
        var total = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;
        foreach (var (_, repository) in hosts) repository.Dispose();
        Print($"{count} x {megabytes} MB at once", [.. latencies], $"all started in {total.TotalSeconds:0.0} s");
        Console.WriteLine($"  process RSS {Mb(baseRss)} before -> peak {Mb(peakRss)} (+{Mb(peakRss - baseRss)}); managed heap {Mb(baseHeap)} -> peak " +
            $"{Mb(peakHeap)} (+{Mb(peakHeap - baseHeap)}), GC committed peak {Mb(peakCommitted)}; buffering whole archives would add {count * megabytes} MB or more");
    }

    /// <summary>A host whose dev pipeline exists at the emulator, releasing from a repository with one incompressible file of the size.</summary>
    private static async Task<(TestHost Host, GitLabRepository Repository)> HostAsync(PortalHost portal, StandInHost gitLab, int megabytes)
    {
        var repository = await GitLabRepository.CreateAsync(gitLab, "dev");
        var blob = Path.Combine(repository.Work.Directory, "assets", "blob.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        await File.WriteAllBytesAsync(blob, System.Security.Cryptography.RandomNumberGenerator.GetBytes(megabytes * Mebibyte));
        repository.Commit("dev", "Add the assets");
        var host = await portal.CreateHostAsync(repository.ProjectId, repository.Path, gitLabToken: repository.Token);
        await portal.MarkBakedAsync(host, repository.Head("dev"));
        await EmulatorPipelines.CreateAsync(portal.Services.GetRequiredService<ICloudFormation>(), host.Pipelines[EnvironmentKind.Dev], withApproval: false);
        return (host, repository);
    }

    /// <summary>Pushes a new commit, sends its push hook and waits until the release's execution started: the time from hook to start.</summary>
    private static async Task<TimeSpan> PushAndWaitAsync(PortalHost portal, TestHost host, GitLabRepository repository, CancellationToken cancellationToken)
    {
        var sha = repository.Commit("dev", $"Change {Guid.NewGuid():N}", ("CHANGES.txt", Guid.NewGuid().ToString()));
        using var client = portal.CreateClient();
        var body = GitLabPayloads.Push("refs/heads/dev", repository.ProjectId, repository.Path, after: sha);
        var clock = Stopwatch.StartNew();
        using (var response = await client.SendAsync(GitLabSender.Push(body, host.WebhookToken), cancellationToken))
            if ((int)response.StatusCode != 202) throw new InvalidOperationException($"push hook: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        var environmentId = host.Environments[EnvironmentKind.Dev];
        while (true)
        {
            var release = await portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Releases.AsNoTracking()
                .Where(r => r.HostEnvironmentId == environmentId && r.CommitId == sha).Select(r => new { r.State, r.PipelineExecutionId, r.StateReason })
                .SingleOrDefaultAsync(cancellationToken));
            if (release?.PipelineExecutionId is not null) return clock.Elapsed;
            if (release is { State: ReleaseState.Failed }) throw new InvalidOperationException($"release of {sha} failed: {release.StateReason}");
            if (clock.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"release of {sha} did not start: {release?.State}");
            await Task.Delay(10, cancellationToken);
        }
    }

    private static void Print(string what, IReadOnlyList<TimeSpan> latencies, string note)
    {
        var sorted = latencies.Order().ToList();
        Console.WriteLine($"{what}: p50 {Ms(Percentile(sorted, 0.50))}, p99 {Ms(Percentile(sorted, 0.99))}, max {Ms(sorted[^1])} over {sorted.Count} pushes {note}");
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:N0} ms";

    private static string Mb(long bytes) => $"{bytes / 1024d / 1024d:N0} MB";

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
