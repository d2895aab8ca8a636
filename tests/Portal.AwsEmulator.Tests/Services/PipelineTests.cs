using System.Text.Json.Nodes;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Services;

/// <summary>Pipelines made by stacks: executions stage by stage, manual approvals, execution modes, stop and retry.</summary>
public sealed class PipelineTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    /// <summary>A versioned source bucket, a build project and a four-stage pipeline reading source.zip from the bucket.</summary>
    public const string Template = """
        Parameters:
          Mode: { Type: String, Default: QUEUED }
        Resources:
          Artifacts:
            Type: AWS::S3::Bucket
            Properties: { VersioningConfiguration: { Status: Enabled } }
          Build:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: arn:aws:iam::000000000000:role/build
              Environment: { Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/amazonlinux2-x86_64-standard:5.0 }
              Source:
                Type: CODEPIPELINE
                BuildSpec: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo compiling\nartifacts:\n  files:\n    - '**/*'\n"
              Artifacts: { Type: CODEPIPELINE }
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              PipelineType: V2
              ExecutionMode: !Ref Mode
              RoleArn: arn:aws:iam::000000000000:role/pipeline
              ArtifactStore: { Type: S3, Location: !Ref Artifacts }
              Variables:
                - { Name: CommitId, DefaultValue: unknown }
                - { Name: Branch, DefaultValue: main }
              Stages:
                - Name: Source
                  Actions:
                    - Name: Fetch
                      ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }
                      Configuration: { S3Bucket: !Ref Artifacts, S3ObjectKey: source.zip, PollForSourceChanges: "false" }
                      OutputArtifacts: [{ Name: Source }]
                - Name: Build
                  Actions:
                    - Name: Compile
                      ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1" }
                      Configuration: { ProjectName: !Ref Build }
                      InputArtifacts: [{ Name: Source }]
                      OutputArtifacts: [{ Name: Built }]
                - Name: Approval
                  Actions: [{ Name: Approve, ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: "1" } }]
                - Name: Deploy
                  Actions:
                    - Name: Release
                      ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CodeDeploy, Version: "1" }
                      Configuration: { ApplicationName: app }
                      InputArtifacts: [{ Name: Built }]
        Outputs:
          Name: { Value: !Ref Pipeline }
          Bucket: { Value: !Ref Artifacts }
        """;

    /// <summary>The pipeline, with source.zip already in its bucket.</summary>
    private async Task<string> PipelineAsync(string mode = "QUEUED")
    {
        var stack = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("pipeline"), Template, new Dictionary<string, string> { ["Mode"] = mode });
        await aws.S3.PutZipAsync(stack.Outputs["Bucket"], "source.zip", S3Calls.SoftwareSource);
        return stack.Outputs["Name"];
    }

    private static string Status(JsonObject execution) => execution["status"]!.GetValue<string>();

    private static JsonObject Stage(JsonObject state, string name) =>
        state["stageStates"]!.AsArray().Select(s => s!.AsObject()).Single(s => s["stageName"]!.GetValue<string>() == name);

    [Fact]
    public async Task An_execution_waits_at_the_manual_approval_and_succeeds_once_approved()
    {
        var pipeline = await PipelineAsync();
        var id = await aws.Pipelines.StartAsync(pipeline, new Dictionary<string, string> { ["CommitId"] = "abc123" });

        var token = await aws.Pipelines.ApprovalTokenAsync(pipeline, id);
        var waiting = await aws.Pipelines.StateAsync(pipeline);
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", token, approve: true, "looks good");
        var done = await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Succeeded");
        var state = await aws.Pipelines.StateAsync(pipeline);
        var again = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", token, approve: true));

        Assert.Equal("Succeeded", Stage(waiting, "Build")["latestExecution"]!["status"]!.GetValue<string>());
        Assert.Equal("InProgress", Stage(waiting, "Approval")["latestExecution"]!["status"]!.GetValue<string>());
        Assert.Null(Stage(waiting, "Deploy")["latestExecution"]);
        Assert.Equal(new Dictionary<string, string> { ["CommitId"] = "abc123", ["Branch"] = "main" },
            done["variables"]!.AsArray().ToDictionary(v => v!["name"]!.GetValue<string>(), v => v!["resolvedValue"]!.GetValue<string>()));
        Assert.All(state["stageStates"]!.AsArray(), s => Assert.Equal(id, s!["latestExecution"]!["pipelineExecutionId"]!.GetValue<string>()));
        var approval = Stage(state, "Approval")["actionStates"]![0]!["latestExecution"]!;
        Assert.Equal(("Succeeded", "looks good"), (approval["status"]!.GetValue<string>(), approval["summary"]!.GetValue<string>()));
        Assert.Null(approval["token"]);
        Assert.Equal("ApprovalAlreadyCompletedException", again.Code);
    }

    [Fact]
    public async Task A_rejection_fails_the_execution_before_it_deploys()
    {
        var pipeline = await PipelineAsync();
        var id = await aws.Pipelines.StartAsync(pipeline);

        var token = await aws.Pipelines.ApprovalTokenAsync(pipeline, id);
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", token, approve: false, "not today");
        var failed = await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Failed");
        var state = await aws.Pipelines.StateAsync(pipeline);

        Assert.Equal("Failed", Status(failed));
        Assert.Equal("Failed", Stage(state, "Approval")["latestExecution"]!["status"]!.GetValue<string>());
        Assert.Equal("not today", Stage(state, "Approval")["actionStates"]![0]!["latestExecution"]!["summary"]!.GetValue<string>());
        Assert.Null(Stage(state, "Deploy")["latestExecution"]);
    }

    [Fact]
    public async Task A_wrong_token_stage_or_action_is_refused_and_the_approval_keeps_waiting()
    {
        var pipeline = await PipelineAsync();
        var id = await aws.Pipelines.StartAsync(pipeline);
        var token = await aws.Pipelines.ApprovalTokenAsync(pipeline, id);

        var wrongToken = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", Guid.NewGuid().ToString(), approve: true));
        var wrongStage = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.DecideAsync(pipeline, "Review", "Approve", token, approve: true));
        var wrongAction = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.DecideAsync(pipeline, "Approval", "Sign", token, approve: true));
        var wrongPipeline = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.DecideAsync(pipeline + "x", "Approval", "Approve", token, approve: true));

        Assert.Equal("InvalidApprovalTokenException", wrongToken.Code);
        Assert.Equal("StageNotFoundException", wrongStage.Code);
        Assert.Equal("ActionNotFoundException", wrongAction.Code);
        Assert.Equal(("PipelineNotFoundException", $"Account '000000000000' does not have a pipeline with name '{pipeline}x'"), (wrongPipeline.Code, wrongPipeline.AwsMessage));
        Assert.Equal(token, await aws.Pipelines.ApprovalTokenAsync(pipeline, id));
    }

    [Fact]
    public async Task The_same_client_request_token_returns_the_same_execution()
    {
        var pipeline = await PipelineAsync();

        var first = await aws.Pipelines.StartAsync(pipeline, token: "push-1");
        var again = await aws.Pipelines.StartAsync(pipeline, token: "push-1");
        var other = await aws.Pipelines.StartAsync(pipeline, token: "push-2");
        var list = await aws.Pipelines.CallAsync("ListPipelineExecutions", new JsonObject { ["pipelineName"] = pipeline });

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal([other, first], list["pipelineExecutionSummaries"]!.AsArray().Select(e => e!["pipelineExecutionId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Variables_must_be_declared_by_the_pipeline()
    {
        var pipeline = await PipelineAsync();

        var undeclared = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.StartAsync(pipeline, new Dictionary<string, string> { ["Author"] = "me" }));
        var missing = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.StartAsync(pipeline + "-none"));

        Assert.Equal(("ValidationException", $"Variable 'Author' is not declared in pipeline '{pipeline}'."), (undeclared.Code, undeclared.AwsMessage));
        Assert.Equal("PipelineNotFoundException", missing.Code);
    }

    [Fact]
    public async Task Queued_executions_wait_their_turn_at_each_stage_in_order()
    {
        var pipeline = await PipelineAsync("QUEUED");
        var first = await aws.Pipelines.StartAsync(pipeline);
        var firstToken = await aws.Pipelines.ApprovalTokenAsync(pipeline, first);
        var second = await aws.Pipelines.StartAsync(pipeline);
        var third = await aws.Pipelines.StartAsync(pipeline);

        var queue = await PipelineCalls.UntilAsync("two executions queued at the approval", async () =>
        {
            var inbound = Stage(await aws.Pipelines.StateAsync(pipeline), "Approval")["inboundExecutions"]?.AsArray();
            return inbound?.Count == 2 ? inbound.Select(e => e!["pipelineExecutionId"]!.GetValue<string>()).ToList() : null;
        });
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", firstToken, approve: true);
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", await aws.Pipelines.ApprovalTokenAsync(pipeline, second), approve: true);
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", await aws.Pipelines.ApprovalTokenAsync(pipeline, third), approve: true);

        Assert.Equal([second, third], queue);
        foreach (var id in new[] { first, second, third })
            Assert.Equal("Succeeded", Status(await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Succeeded")));
    }

    [Fact]
    public async Task In_superseded_mode_a_newer_execution_replaces_the_one_waiting()
    {
        var pipeline = await PipelineAsync("SUPERSEDED");
        var first = await aws.Pipelines.StartAsync(pipeline);
        var firstToken = await aws.Pipelines.ApprovalTokenAsync(pipeline, first);
        var second = await aws.Pipelines.StartAsync(pipeline);
        await PipelineCalls.UntilAsync("second waiting", async () =>
            Stage(await aws.Pipelines.StateAsync(pipeline), "Approval")["inboundExecution"]?["pipelineExecutionId"]?.GetValue<string>() == second ? "yes" : null);

        var third = await aws.Pipelines.StartAsync(pipeline);
        var superseded = await aws.Pipelines.WaitForStatusAsync(pipeline, second, "Superseded");
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", firstToken, approve: true);
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", await aws.Pipelines.ApprovalTokenAsync(pipeline, third), approve: true);

        Assert.Equal("Superseded", Status(superseded));
        Assert.Equal("Succeeded", Status(await aws.Pipelines.WaitForStatusAsync(pipeline, first, "Succeeded")));
        Assert.Equal("Succeeded", Status(await aws.Pipelines.WaitForStatusAsync(pipeline, third, "Succeeded")));
    }

    [Fact]
    public async Task Parallel_executions_do_not_wait_for_each_other()
    {
        var pipeline = await PipelineAsync("PARALLEL");
        var first = await aws.Pipelines.StartAsync(pipeline);
        var firstToken = await aws.Pipelines.ApprovalTokenAsync(pipeline, first);
        var second = await aws.Pipelines.StartAsync(pipeline);
        var secondToken = await aws.Pipelines.ApprovalTokenAsync(pipeline, second);

        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", secondToken, approve: true);
        await aws.Pipelines.WaitForStatusAsync(pipeline, second, "Succeeded");
        Assert.Equal("InProgress", Status(await aws.Pipelines.ExecutionAsync(pipeline, first)));
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", firstToken, approve: true);
        Assert.Equal("Succeeded", Status(await aws.Pipelines.WaitForStatusAsync(pipeline, first, "Succeeded")));
    }

    [Fact]
    public async Task Stopping_with_abandon_ends_at_once_and_stopping_without_lets_the_running_action_finish()
    {
        var pipeline = await PipelineAsync();
        var abandoned = await aws.Pipelines.StartAsync(pipeline);
        await aws.Pipelines.ApprovalTokenAsync(pipeline, abandoned);

        await aws.Pipelines.CallAsync("StopPipelineExecution", new JsonObject { ["pipelineName"] = pipeline, ["pipelineExecutionId"] = abandoned, ["abandon"] = true, ["reason"] = "newer push" });
        var state = await aws.Pipelines.StateAsync(pipeline);
        var again = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.CallAsync("StopPipelineExecution",
            new JsonObject { ["pipelineName"] = pipeline, ["pipelineExecutionId"] = abandoned }));

        Assert.Equal("Stopped", Status(await aws.Pipelines.ExecutionAsync(pipeline, abandoned)));
        Assert.Equal("Abandoned", Stage(state, "Approval")["actionStates"]![0]!["latestExecution"]!["status"]!.GetValue<string>());
        Assert.Equal("PipelineExecutionNotStoppableException", again.Code);
        var summary = (await aws.Pipelines.CallAsync("ListPipelineExecutions", new JsonObject { ["pipelineName"] = pipeline }))["pipelineExecutionSummaries"]![0]!;
        Assert.Equal("newer push", summary["stopTrigger"]!["reason"]!.GetValue<string>());

        await aws.Emulator.SetTimingsAsync(new TimingSettings { ActionDelay = TimeSpan.FromMilliseconds(600) });
        try
        {
            var stopping = await aws.Pipelines.StartAsync(pipeline);
            await PipelineCalls.UntilAsync("build running", async () =>
                Stage(await aws.Pipelines.StateAsync(pipeline), "Build")["latestExecution"]?["pipelineExecutionId"]?.GetValue<string>() == stopping ? "yes" : null);
            await aws.Pipelines.CallAsync("StopPipelineExecution", new JsonObject { ["pipelineName"] = pipeline, ["pipelineExecutionId"] = stopping });
            var duplicate = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.CallAsync("StopPipelineExecution",
                new JsonObject { ["pipelineName"] = pipeline, ["pipelineExecutionId"] = stopping }));

            Assert.Equal("Stopping", Status(await aws.Pipelines.ExecutionAsync(pipeline, stopping)));
            Assert.Equal("DuplicatedStopRequestException", duplicate.Code);
            await aws.Pipelines.WaitForStatusAsync(pipeline, stopping, "Stopped");
            var after = await aws.Pipelines.StateAsync(pipeline);
            Assert.Equal("Succeeded", Stage(after, "Build")["actionStates"]![0]!["latestExecution"]!["status"]!.GetValue<string>());
            Assert.Equal("Stopped", Stage(after, "Build")["latestExecution"]!["status"]!.GetValue<string>());
            Assert.NotEqual(stopping, Stage(after, "Approval")["latestExecution"]!["pipelineExecutionId"]!.GetValue<string>());
        }
        finally
        {
            await aws.Emulator.SetTimingsAsync(new TimingSettings { ActionDelay = TimeSpan.FromMilliseconds(10) });
        }
    }

    [Fact]
    public async Task A_failed_build_action_fails_the_execution_and_retrying_the_stage_carries_on()
    {
        var pipeline = await PipelineAsync();
        await aws.Emulator.AddFaultsAsync(new FaultSettings { Actions = [new ActionFault { PipelineName = pipeline, Category = "Build", Message = "Tests failed", Times = 1 }] });
        var id = await aws.Pipelines.StartAsync(pipeline);

        await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Failed");
        var failed = Stage(await aws.Pipelines.StateAsync(pipeline), "Build")["actionStates"]![0]!["latestExecution"]!;
        var notRetryable = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.CallAsync("RetryStageExecution",
            new JsonObject { ["pipelineName"] = pipeline, ["stageName"] = "Source", ["pipelineExecutionId"] = id, ["retryMode"] = "FAILED_ACTIONS" }));
        var retried = await aws.Pipelines.CallAsync("RetryStageExecution",
            new JsonObject { ["pipelineName"] = pipeline, ["stageName"] = "Build", ["pipelineExecutionId"] = id, ["retryMode"] = "FAILED_ACTIONS" });
        var token = await aws.Pipelines.ApprovalTokenAsync(pipeline, id);
        await aws.Pipelines.DecideAsync(pipeline, "Approval", "Approve", token, approve: true);

        Assert.Equal(("Failed", "JobFailed", "Tests failed"),
            (failed["status"]!.GetValue<string>(), failed["errorDetails"]!["code"]!.GetValue<string>(), failed["errorDetails"]!["message"]!.GetValue<string>()));
        Assert.Equal("StageNotRetryableException", notRetryable.Code);
        Assert.Equal(id, retried["pipelineExecutionId"]!.GetValue<string>());
        Assert.Equal("Succeeded", Status(await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Succeeded")));
    }

    [Fact]
    public async Task Executions_are_listed_newest_first_in_pages()
    {
        var pipeline = await PipelineAsync("PARALLEL");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await aws.Pipelines.StartAsync(pipeline));

        var pages = new List<string>();
        string? next = null;
        do
        {
            var body = new JsonObject { ["pipelineName"] = pipeline, ["maxResults"] = 2 };
            if (next is not null) body["nextToken"] = next;
            var page = await aws.Pipelines.CallAsync("ListPipelineExecutions", body);
            pages.AddRange(page["pipelineExecutionSummaries"]!.AsArray().Select(e => e!["pipelineExecutionId"]!.GetValue<string>()));
            next = page["nextToken"]?.GetValue<string>();
        } while (next is not null);
        var badToken = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.CallAsync("ListPipelineExecutions", new JsonObject { ["pipelineName"] = pipeline, ["nextToken"] = "bogus" }));

        Assert.Equal(Enumerable.Reverse(ids), pages);
        Assert.Equal("InvalidNextTokenException", badToken.Code);
    }
}
