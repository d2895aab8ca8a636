using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.Benchmarks.Webhooks;

/// <summary>
/// Durable ingest of GitLab pushes: wrk (a second process, on loopback) posts documented push deliveries, each with its
/// own Idempotency-Key, to the real portal on a Postgres cluster with fsync and synchronous commit on. Printed beside
/// it, measured in the same run on the same cluster: Postgres's own one-row insert rate (pgbench, one INSERT per
/// transaction, the same number of connections).
/// </summary>
public sealed partial class WebhookLoadBenchmark : IBenchmark
{
    public string Name => "webhook-load";

    public string Description =>
        "POST /hooks/gitlab under load (wrk, durable Postgres) beside pgbench's one-row insert rate, goal >= 70 % of it and p99 < 50 ms; " +
        "then push-to-StartPipelineExecution latency at the emulator, goal p50 < 100 ms, p99 < 500 ms. " +
        "Args: [--duration 10] [--warm-up 10] [--connections 32] [--pushes 200] [--ingest-only (the web instance beside pgbench, nothing else)]";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var duration = IntArg(args, "--duration", 10);
        var connections = IntArg(args, "--connections", 32);
        var pushes = IntArg(args, "--pushes", 200);
        // Under load on 2 cores the JIT needs seconds to finish tiering the hot path up; a portal in service is past that.
        var warmUp = IntArg(args, "--warm-up", 10);
        var ingestOnly = args.Contains("--ingest-only");
        RequireProgram("wrk", "apt-get install wrk");
        RequireProgram("pgbench", "apt-get install postgresql-client");

        await using var postgres = await DurablePostgres.StartAsync();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; Postgres fsync={await postgres.SettingAsync("fsync")}, " +
            $"synchronous_commit={await postgres.SettingAsync("synchronous_commit")}; {connections} connections, {duration} s per run after {warmUp} s of warm-up");

        // pgbench before and after the portal runs: fsync times on this disk drift by a third between runs minutes apart.
        var before = await PgbenchOneRowInsertAsync(postgres, "pgbench_before", connections, duration);
        var ingest = await IngestAsync(postgres, connections, duration, warmUp, runJobServer: false, cancellationToken);
        var ingestWithJobs = ingestOnly ? null : await IngestAsync(postgres, connections, duration, warmUp, runJobServer: true, cancellationToken);
        var after = await PgbenchOneRowInsertAsync(postgres, "pgbench_after", connections, duration);
        var baseline = (before.Tps + after.Tps) / 2;
        if (ingestWithJobs is null)
        {
            Console.WriteLine($"pgbench {before.Tps:N0} / {after.Tps:N0} tps; POST /hooks/gitlab {ingest.PerSecond:N0}/s = {ingest.PerSecond / baseline:P0} (goal >= 70 %); " +
                $"p50 {Ms(ingest.P50)}, p99 {Ms(ingest.P99)}, max {Ms(ingest.Max)}; {ingest.Requests:N0} answers ({ingest.Non2xx} not 2xx), {ingest.Deliveries:N0} deliveries recorded");
            return;
        }
        var start = await PushToStartAsync(postgres, pushes, cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"{"",-30} {"per second",12} {"p50",9} {"p95",9} {"p99",9} {"max",9}");
        Console.WriteLine($"{"pgbench one-row INSERT, before",-30} {before.Tps,12:N0} {"",9} {"",9} {"",9} {"",9}   (mean latency {before.MeanMs:0.0} ms)");
        Console.WriteLine($"{"POST /hooks/gitlab, web instance",-30} {ingest.PerSecond,12:N0} {Ms(ingest.P50),9} {Ms(ingest.P95),9} {Ms(ingest.P99),9} {Ms(ingest.Max),9}");
        Console.WriteLine($"{"  same, with the job server",-30} {ingestWithJobs.PerSecond,12:N0} {Ms(ingestWithJobs.P50),9} {Ms(ingestWithJobs.P95),9} {Ms(ingestWithJobs.P99),9} {Ms(ingestWithJobs.Max),9}");
        Console.WriteLine($"{"pgbench one-row INSERT, after",-30} {after.Tps,12:N0} {"",9} {"",9} {"",9} {"",9}   (mean latency {after.MeanMs:0.0} ms)");
        Console.WriteLine();
        Console.WriteLine($"ingest is {ingest.PerSecond / baseline:P0} of pgbench's insert rate (mean of before and after, {baseline:N0}/s; goal >= 70 %), {ingestWithJobs.PerSecond / baseline:P0} " +
            $"with the job server in the same process; p99 {Ms(ingest.P99).Trim()} / {Ms(ingestWithJobs.P99).Trim()} (goal < 50 ms; GitLab gives up after 10 s)");
        foreach (var run in new[] { ingest, ingestWithJobs })
            Console.WriteLine($"durability check: {run.Requests:N0} answers counted by wrk ({run.Non2xx} not 2xx, {run.SocketErrors} socket errors; " +
                $"requests still in flight when wrk stops are not counted), {run.Deliveries:N0} deliveries recorded, {run.Releases:N0} of them accepted with a release to make");
        Console.WriteLine();
        Console.WriteLine($"push to StartPipelineExecution at the emulator ({pushes} pushes, {PushConcurrency} at a time, each sent once the previous was answered; from sending the " +
            "delivery to the execution's start time; after " + WarmUpPushes + " warm-up pushes):");
        Console.WriteLine($"  p50 {start.P50:0.0} ms (goal < 100 ms), p95 {start.P95:0.0} ms, p99 {start.P99:0.0} ms (goal < 500 ms), max {start.Max:0.0} ms; " +
            $"{start.Executions} executions for {pushes} pushes");
        Console.WriteLine($"  of which from the push being recorded to the start: p50 {start.RecordedToStartP50:0.0} ms, p99 {start.RecordedToStartP99:0.0} ms");
    }

    private const int PushConcurrency = 1;
    private const int WarmUpPushes = 5;

    /// <summary>Sends pushes of the given commits, <see cref="PushConcurrency"/> at a time, noting when each was sent.</summary>
    private static async Task PushAllAsync(HttpClient gitlab, string token, GitLabRepository repository, IEnumerable<string> commits,
        System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> sentAt, CancellationToken cancellationToken)
    {
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(commits);
        await Task.WhenAll(Enumerable.Range(0, PushConcurrency).Select(async _ =>
        {
            while (queue.TryDequeue(out var commit))
            {
                using var request = GitLabSender.Push(GitLabPayloads.Push("refs/heads/dev", repository.ProjectId, repository.Path, after: commit), token);
                sentAt[commit] = DateTimeOffset.UtcNow;
                using var response = await gitlab.SendAsync(request, cancellationToken);
                if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
                    throw new InvalidOperationException($"Push of {commit} answered {(int)response.StatusCode}.");
            }
        }));
    }

    /// <summary>The pipeline's executions, once there are at least <paramref name="expected"/> (or after two minutes).</summary>
    private static async Task<List<PipelineExecutionSummary>> ExecutionsAsync(IPipelines pipelines, string pipeline, int expected,
        CancellationToken cancellationToken)
    {
        var started = new List<PipelineExecutionSummary>();
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (started.Count < expected && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken);
            started.Clear();
            string? token = null;
            do
            {
                var page = await pipelines.ListExecutionsAsync(pipeline, 100, token, cancellationToken);
                started.AddRange(page.Items);
                token = page.NextToken;
            } while (token is not null);
        }
        return started;
    }

    /// <summary>
    /// Pushes of distinct commits of a GitLab stand-in repository, a few at a time, to a portal with its release starters
    /// on, against the emulator: each release fetches its commit's archive from GitLab and puts it in S3 before it starts.
    /// Each push's latency is the emulator's start time of the execution carrying its commit minus the moment it was sent.
    /// </summary>
    private static async Task<StartLatency> PushToStartAsync(DurablePostgres postgres, int pushes, CancellationToken cancellationToken)
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await EmulatorPipelines.SeedAsync(emulator);
        await using var gitLab = await StandInHost.StartAsync();
        await using var portal = await PortalHost.StartAsync(await postgres.CreateDatabaseAsync("portal_start"), new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString(),
            ["GitLab:Url"] = gitLab.BaseUrl.ToString(),
            ["Webhooks:RateLimitBurst"] = "1000000",
            ["Webhooks:RateLimitPerSecond"] = "1000000",
        });
        using var repository = await GitLabRepository.CreateAsync(gitLab, "dev");
        var host = await portal.CreateHostAsync(repository.ProjectId, repository.Path, gitLabToken: repository.Token);
        await portal.MarkBakedAsync(host, repository.Head("dev"));
        var pipeline = host.Pipelines[Portal.Data.Entities.EnvironmentKind.Dev];
        await EmulatorPipelines.CreateAsync(portal.Services.GetRequiredService<ICloudFormation>(), pipeline, withApproval: false);
        var commits = Enumerable.Range(1, WarmUpPushes + pushes)
            .Select(n => repository.Commit("dev", $"Change {n}", ("CHANGES.txt", n.ToString(CultureInfo.InvariantCulture)))).ToList();

        using var gitlab = portal.CreateClient();
        var pipelines = portal.Services.GetRequiredService<IPipelines>();
        // A portal in service is warm: its queries are compiled and its connections to Postgres and AWS are open.
        await PushAllAsync(gitlab, host.WebhookToken, repository, commits.Take(WarmUpPushes), new(), cancellationToken);
        await ExecutionsAsync(pipelines, pipeline, WarmUpPushes, cancellationToken);

        var sentAt = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset>();
        await PushAllAsync(gitlab, host.WebhookToken, repository, commits.Skip(WarmUpPushes), sentAt, cancellationToken);
        var started = (await ExecutionsAsync(pipelines, pipeline, WarmUpPushes + pushes, cancellationToken)).ToList();

        var pushedAt = await portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Releases
            .ToDictionaryAsync(r => r.CommitId, r => r.PushedAt, cancellationToken));
        var latencies = new List<double>();
        var afterRecording = new List<double>();
        var measured = 0;
        foreach (var execution in started)
        {
            var detail = await pipelines.GetExecutionAsync(pipeline, execution.PipelineExecutionId, cancellationToken);
            var commit = detail.Variables["CommitId"];
            if (!sentAt.ContainsKey(commit)) continue; // a warm-up push
            measured++;
            latencies.Add((execution.StartTime!.Value - sentAt[commit]).TotalMilliseconds);
            afterRecording.Add((execution.StartTime!.Value - pushedAt[commit]).TotalMilliseconds);
        }
        return new StartLatency(Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99), latencies.DefaultIfEmpty().Max(),
            measured, Percentile(afterRecording, 50), Percentile(afterRecording, 99));
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
    }

    private sealed record StartLatency(double P50, double P95, double P99, double Max, int Executions, double RecordedToStartP50, double RecordedToStartP99);

    private static async Task<(double Tps, double MeanMs)> PgbenchOneRowInsertAsync(DurablePostgres postgres, string name, int connections, int duration)
    {
        var database = await postgres.CreateDatabaseAsync(name);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                "CREATE TABLE one_row_insert (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT now())", connection);
            await create.ExecuteNonQueryAsync();
        }
        var script = Path.Combine(Path.GetTempPath(), $"one-row-insert-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, "INSERT INTO one_row_insert (payload) VALUES ('push');\n");
        try
        {
            var output = await DurablePostgres.Run("pgbench", "-h", "127.0.0.1", "-p", postgres.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-n",
                "-c", connections.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", duration.ToString(CultureInfo.InvariantCulture), "-f", script, name);
            return (Number(PgbenchTps().Match(output)), Number(PgbenchLatency().Match(output)));
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <param name="runJobServer">False: a web instance, as when pages and webhooks are served apart from the job workers.</param>
    private static async Task<IngestResult> IngestAsync(DurablePostgres postgres, int connections, int duration, int warmUp, bool runJobServer,
        CancellationToken cancellationToken)
    {
        var connectionString = await postgres.CreateDatabaseAsync(runJobServer ? "portal_jobs" : "portal_web");
        await using var portal = await PortalHost.StartAsync(connectionString, new Dictionary<string, string?>
        {
            ["Webhooks:RateLimitBurst"] = "1000000",
            ["Webhooks:RateLimitPerSecond"] = "1000000",
            ["Releases:StartWorkers"] = "0", // Starting is measured on its own below.
            ["Jobs:RunServer"] = runJobServer ? "true" : "false",
            ["Aws:Region"] = "us-east-1",
        });
        const long projectId = 15;
        var host = await portal.CreateHostAsync(projectId, "mike/diaspora");
        var body = Path.Combine(Path.GetTempPath(), $"gitlab-push-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(body, GitLabPayloads.Push(projectId: projectId), cancellationToken);
        try
        {
            await WrkAsync(portal, body, host.WebhookToken, "warmup", connections, warmUp);
            var run = $"run{Guid.NewGuid():N}"[..11];
            var result = await WrkAsync(portal, body, host.WebhookToken, run, connections, duration);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // Requests in flight when wrk stopped finish meanwhile.
            var (deliveries, releases) = await portal.WithScopeAsync(async services =>
            {
                var db = services.GetRequiredService<PortalDbContext>();
                var prefix = run + "-";
                return (await db.PushDeliveries.CountAsync(d => d.DeliveryId.StartsWith(prefix), cancellationToken),
                    await db.PushDeliveries.CountAsync(d => d.DeliveryId.StartsWith(prefix) && d.Status == DeliveryStatus.Accepted && d.ReleaseId != null,
                        cancellationToken));
            });
            return result with { Deliveries = deliveries, Releases = releases };
        }
        finally
        {
            File.Delete(body);
        }
    }

    private static async Task<IngestResult> WrkAsync(PortalHost portal, string bodyFile, string token, string run, int connections, int duration)
    {
        var output = await DurablePostgres.Run("wrk", "-t", Math.Min(2, connections).ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{duration}s", "--timeout", "10s",
            "-s", RepoPaths.Combine("tools", "Portal.Benchmarks", "Webhooks", "gitlab-push.lua"),
            new Uri(portal.BaseUrl, GitLabSender.Path).ToString(), "--", bodyFile, token, run);
        var line = output.Split('\n').Single(l => l.StartsWith("WRKRESULT ", StringComparison.Ordinal));
        var json = JsonDocument.Parse(line["WRKRESULT ".Length..]).RootElement;
        var requests = json.GetProperty("requests").GetInt64();
        return new IngestResult(
            requests,
            requests / (json.GetProperty("durationUs").GetInt64() / 1e6),
            json.GetProperty("non2xx").GetInt64(),
            json.GetProperty("socketErrors").GetInt64(),
            json.GetProperty("p50").GetInt64(), json.GetProperty("p95").GetInt64(), json.GetProperty("p99").GetInt64(),
            json.GetProperty("max").GetInt64(), 0, 0);
    }

    private sealed record IngestResult(long Requests, double PerSecond, long Non2xx, long SocketErrors, long P50, long P95, long P99, long Max,
        int Deliveries, int Releases);

    private static string Ms(long microseconds) => $"{microseconds / 1000.0:0.0} ms";

    private static double Number(Match match) =>
        match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException("pgbench output not understood.");

    private static int IntArg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static void RequireProgram(string program, string install)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, program)));
        if (!found) throw new InvalidOperationException($"{program} is not installed; install it with: {install}");
    }

    [GeneratedRegex(@"tps = ([\d.]+)")]
    private static partial Regex PgbenchTps();

    [GeneratedRegex(@"latency average = ([\d.]+) ms")]
    private static partial Regex PgbenchLatency();
}
