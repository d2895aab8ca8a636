using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Releases.Sync;
using Portal.Tests.Support;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// A backlog beyond one page of ListPipelineExecutions: the sync pages through the history instead of asking for each
/// older execution on its own, so its AWS reads stay a few per pipeline however many releases are in flight.
/// </summary>
public sealed class SyncBacklogTests(ReleasePortalFixture fixture) : IClassFixture<ReleasePortalFixture>
{
    private const int Backlog = 150;

    [Fact]
    public async Task Releases_beyond_the_newest_hundred_are_synced_from_the_second_page_not_one_call_each()
    {
        var (host, _) = await fixture.CreateHostWithPipelinesAsync();
        var pipeline = host.Pipelines[EnvironmentKind.Dev];
        var environmentId = host.Environments[EnvironmentKind.Dev];
        // Executions started straight at the emulator (the test pipelines queue them), each with a release in flight.
        var executions = new List<string>();
        for (var i = 0; i < Backlog; i++)
            executions.Add(await fixture.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest(pipeline), default));
        await fixture.Portal.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            db.Releases.AddRange(executions.Select((id, i) => new Release
            {
                HostEnvironmentId = environmentId, CommitId = i.ToString("x40", CultureInfo.InvariantCulture), Branch = "dev", ClientRequestToken = Guid.NewGuid().ToString(),
                State = ReleaseState.InProgress, PipelineExecutionId = id,
            }));
            return await db.SaveChangesAsync();
        });
        // The oldest execution (on the second page, newest first) ends first: QUEUED runs them in order. Started without a
        // source revision, its Source action fails; what counts is that the sync sees its end.
        var ended = await Poll.UntilAsync(() => fixture.Pipelines.GetExecutionAsync(pipeline, executions[0]), e => e.Status is "Succeeded" or "Failed",
            TimeSpan.FromSeconds(60), "the oldest execution to end", e => e.Status);

        var before = await fixture.Emulator.StatsAsync();
        await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<ReleaseStateSync>().SyncEnvironmentAsync(environmentId, default));
        var after = await fixture.Emulator.StatsAsync();

        long Calls(string operation) => after.Operations.GetValueOrDefault(operation) - before.Operations.GetValueOrDefault(operation);
        Assert.Equal(0, Calls("codepipeline:GetPipelineExecution"));
        // Two pages for this pipeline (the portal's own sync loop may have made a round meanwhile: more, never one per release).
        Assert.InRange(Calls("codepipeline:ListPipelineExecutions"), 2, 8);
        var oldest = await ReleasePortalFixture.ReleaseAsync(fixture.Portal, await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<PortalDbContext>().Releases.Where(r => r.PipelineExecutionId == executions[0]).Select(r => r.Id).SingleAsync()));
        Assert.Equal(ended.Status == "Succeeded" ? ReleaseState.Succeeded : ReleaseState.Failed, oldest.State);
    }
}
