using System.Globalization;
using System.Diagnostics;
using System.Text;
using Portal.AwsEmulator.State;
using Portal.AwsEmulator.Tests.Calls;
using Portal.Tests.Support;
using Xunit.Abstractions;

namespace Portal.AwsEmulator.Tests.Services;

/// <summary>
/// A burst of pushes: thousands of StartPipelineExecution calls queued on many pipelines at once. It checks that every
/// execution runs, in order, and prints what the burst cost (CPU time, time until the last execution entered its first
/// stage, time until all finished); it asserts no timing. The CPU time is the whole test process's: the HTTP client's
/// work for the calls is in it. Sizes: PIPELINE_BURST_EXECUTIONS and PIPELINE_BURST_PIPELINES.
/// </summary>
public sealed class PipelineBurstBenchmark(PipelineBurstBenchmark.Burst aws, ITestOutputHelper output) : IClassFixture<PipelineBurstBenchmark.Burst>
{
    private static readonly int Executions = Setting("PIPELINE_BURST_EXECUTIONS", 3000);
    private static readonly int Pipelines = Setting("PIPELINE_BURST_PIPELINES", 100);

    /// <summary>Its own emulator: a burst must not share the process with other classes' work while it is measured.</summary>
    public sealed class Burst : EmulatorFixture;

    [Fact]
    public async Task A_burst_of_queued_executions_on_many_pipelines_all_run_in_order()
    {
        var names = await CreatePipelinesAsync();
        var store = aws.Emulator.Services.GetService(typeof(EmulatorState)) is EmulatorState state ? state.Region(aws.Client.Region).Pipelines
            : throw new InvalidOperationException("no emulator state");
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        var started = await Task.WhenAll(Enumerable.Range(0, Executions).Select(async i => (Pipeline: names[i % names.Count], Id: await aws.Pipelines.StartAsync(names[i % names.Count]))));
        var callsDone = clock.Elapsed;
        // QUEUED: a pipeline's newest execution finishes last, so watching those (cheaply) tells when the burst is over.
        var newest = names.Select(n => (Pipeline: n, store.ListExecutions(n)[0].Id)).ToList();
        var allFinished = await UntilAsync(clock, () => newest.All(s => !store.GetExecution(s.Pipeline, s.Id).IsActive));
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var lastEntered = names.SelectMany(store.ListExecutions).Max(e => e.Stages["Source"].Actions["Fetch"].StartTime) - startedAt;

        output.WriteLine($"{Executions} executions over {names.Count} pipelines (QUEUED, 3 stages, {EmulatorHost.FastTimings["Emulator:ActionDelay"]} per action):");
        output.WriteLine($"  StartPipelineExecution calls answered after {callsDone.TotalMilliseconds:F0} ms");
        output.WriteLine($"  last execution entered its first stage after {lastEntered.TotalMilliseconds:F0} ms");
        output.WriteLine($"  all finished after {allFinished.TotalMilliseconds:F0} ms; process CPU time {cpu.TotalMilliseconds:F0} ms");
        Assert.Equal(Executions, started.Select(s => s.Id).Distinct().Count());
        foreach (var name in names)
        {
            var executions = store.ListExecutions(name);
            Assert.All(executions, e => Assert.Equal("Succeeded", e.Status));
            // QUEUED: each stage admits executions in the order they started.
            var byStart = executions.OrderBy(e => e.Sequence).Select(e => e.Id).ToList();
            var bySourceStart = executions.OrderBy(e => e.Stages["Source"].Actions["Fetch"].StartTime).ThenBy(e => e.Sequence).Select(e => e.Id).ToList();
            Assert.Equal(byStart, bySourceStart);
        }
    }

    private async Task<List<string>> CreatePipelinesAsync()
    {
        var template = new StringBuilder(PipelineResources.ArtifactsAndBuild);
        for (var i = 0; i < Pipelines; i++)
            template.Append(PipelineResources.S3SourcePipeline("Pipeline" + i.ToString(CultureInfo.InvariantCulture), "QUEUED", deploy: true));
        var stack = await aws.Stacks.WaitAsync(await aws.Stacks.CreateAsync(EmulatorFixture.UniqueName("burst"), template.ToString()), TimeSpan.FromMinutes(2));
        Assert.Equal("CREATE_COMPLETE", stack.Status);
        var resources = await aws.Stacks.ResourcesAsync(stack.StackId);
        await aws.S3.PutZipAsync(resources.Single(r => r.LogicalId == "Artifacts").PhysicalId!, "source.zip", S3Calls.SoftwareSource);
        return resources.Where(r => r.LogicalId.StartsWith("Pipeline", StringComparison.Ordinal)).Select(r => r.PhysicalId!).ToList();
    }

    private static async Task<TimeSpan> UntilAsync(Stopwatch clock, Func<bool> done)
    {
        var deadline = clock.Elapsed + TimeSpan.FromMinutes(5);
        while (!done())
        {
            if (clock.Elapsed > deadline) throw new TimeoutException("the burst did not settle within 5 minutes");
            await Task.Delay(20);
        }
        return clock.Elapsed;
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;
}
