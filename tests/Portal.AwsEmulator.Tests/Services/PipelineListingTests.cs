using System.Text.Json.Nodes;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Services;

/// <summary>ListPipelineExecutions as AWS pages it: newest first, 100 a page unless maxResults says fewer, filter succeededInStage.</summary>
public sealed class PipelineListingTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private static readonly string Template = PipelineResources.ArtifactsAndBuild + PipelineResources.S3SourcePipeline("Pipeline", "PARALLEL") + """
        Outputs:
          Name: { Value: !Ref Pipeline }
          Bucket: { Value: !Ref Artifacts }
        """;

    /// <summary>The pipeline, with source.zip already in its bucket.</summary>
    private async Task<string> PipelineAsync()
    {
        var stack = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("listing"), Template);
        await aws.S3.PutZipAsync(stack.Outputs["Bucket"], "source.zip", S3Calls.SoftwareSource);
        return stack.Outputs["Name"];
    }

    private Task<JsonObject> ListAsync(string pipeline, int? maxResults = null, string? nextToken = null, string? succeededInStage = null)
    {
        var body = new JsonObject { ["pipelineName"] = pipeline };
        if (maxResults is { } max) body["maxResults"] = max;
        if (nextToken is not null) body["nextToken"] = nextToken;
        if (succeededInStage is not null) body["filter"] = new JsonObject { ["succeededInStage"] = new JsonObject { ["stageName"] = succeededInStage } };
        return aws.Pipelines.CallAsync("ListPipelineExecutions", body);
    }

    private static List<string> Ids(JsonObject page) =>
        page["pipelineExecutionSummaries"]!.AsArray().Select(s => s!["pipelineExecutionId"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Pages_hold_100_by_default_newest_first_and_stay_stable_while_executions_start()
    {
        var pipeline = await PipelineAsync();
        var started = new List<string>();
        for (var i = 0; i < 103; i++) started.Add(await aws.Pipelines.StartAsync(pipeline));

        var first = await ListAsync(pipeline);
        var newer = await aws.Pipelines.StartAsync(pipeline);
        var second = await ListAsync(pipeline, nextToken: first["nextToken"]!.GetValue<string>());

        Assert.Equal(Enumerable.Reverse(started).Take(100), Ids(first));
        Assert.Equal(Enumerable.Reverse(started).Skip(100), Ids(second));
        Assert.Null(second["nextToken"]);
        Assert.Equal(newer, Ids(await ListAsync(pipeline, maxResults: 1))[0]);
        var summary = first["pipelineExecutionSummaries"]![0]!.AsObject();
        Assert.Equal(["executionMode", "executionType", "lastUpdateTime", "pipelineExecutionId", "sourceRevisions", "startTime", "status", "trigger"],
            summary.Select(p => p.Key).Order());
        Assert.Equal("StartPipelineExecution", summary["trigger"]!["triggerType"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task Max_results_outside_1_to_100_is_refused(int maxResults)
    {
        var pipeline = await PipelineAsync();

        var error = await Assert.ThrowsAsync<AwsError>(() => ListAsync(pipeline, maxResults));

        Assert.Equal(("ValidationException", $"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100"),
            (error.Code, error.AwsMessage));
    }

    [Fact]
    public async Task The_filter_keeps_executions_that_succeeded_in_the_stage_and_its_token_serves_only_that_filter()
    {
        var pipeline = await PipelineAsync();
        await aws.Emulator.AddFaultsAsync(new FaultSettings { Actions = [new ActionFault { PipelineName = pipeline, Category = "Build", Times = 2 }] });
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await aws.Pipelines.StartAsync(pipeline));
            await PipelineCalls.UntilAsync("the execution to end", async () =>
                (await aws.Pipelines.ExecutionAsync(pipeline, ids[^1]))["status"]!.GetValue<string>() is "Succeeded" or "Failed" ? "done" : null);
        }

        var built = await ListAsync(pipeline, maxResults: 2, succeededInStage: "Build");
        var rest = await ListAsync(pipeline, maxResults: 2, nextToken: built["nextToken"]!.GetValue<string>(), succeededInStage: "Build");
        var fetched = await ListAsync(pipeline, succeededInStage: "Source");
        var mixed = await Assert.ThrowsAsync<AwsError>(() => ListAsync(pipeline, nextToken: built["nextToken"]!.GetValue<string>()));
        var noStage = await ListAsync(pipeline, succeededInStage: "Deploy");

        Assert.Equal([ids[4], ids[3]], Ids(built));
        Assert.Equal([ids[2]], Ids(rest));
        Assert.Null(rest["nextToken"]);
        Assert.Equal(Enumerable.Reverse(ids), Ids(fetched));
        Assert.Equal(("InvalidNextTokenException", "The next token is not valid."), (mixed.Code, mixed.AwsMessage));
        Assert.Empty(Ids(noStage));
    }
}
