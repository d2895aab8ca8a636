using System.Text.Json.Nodes;
using Amazon.S3.Model;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Services;

/// <summary>
/// The S3 source action reads what is really in S3: a missing object or version fails it, the version it read is the
/// execution's source revision, and StartPipelineExecution's sourceRevisions pick the version (refused when malformed).
/// </summary>
public sealed class PipelineSourceTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private const string Template = """
        Resources:
          Artifacts:
            Type: AWS::S3::Bucket
            Properties: { VersioningConfiguration: { Status: Enabled } }
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              PipelineType: V2
              RoleArn: arn:aws:iam::000000000000:role/pipeline
              ArtifactStore: { Type: S3, Location: !Ref Artifacts }
              Stages:
                - Name: Source
                  Actions:
                    - Name: Checkout
                      ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }
                      Configuration: { S3Bucket: !Ref Artifacts, S3ObjectKey: acme/web/dev/software.zip, PollForSourceChanges: "false" }
                      OutputArtifacts: [{ Name: Source }]
                - Name: Deploy
                  Actions:
                    - Name: Release
                      ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CodeDeploy, Version: "1" }
                      Configuration: { ApplicationName: app, DeploymentGroupName: group }
                      InputArtifacts: [{ Name: Source }]
        Outputs:
          Name: { Value: !Ref Pipeline }
          Bucket: { Value: !Ref Artifacts }
        """;

    private const string Key = "acme/web/dev/software.zip";

    private async Task<(string Pipeline, string Bucket)> PipelineAsync()
    {
        var stack = await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("source"), Template);
        return (stack.Outputs["Name"], stack.Outputs["Bucket"]);
    }

    private async Task<JsonObject> SourceActionAsync(string pipeline, string executionId) =>
        Assert.Single(await aws.Pipelines.ActionExecutionsAsync(pipeline, executionId), a => a["actionName"]!.GetValue<string>() == "Checkout");

    [Fact]
    public async Task A_pipeline_whose_source_object_does_not_exist_fails_at_the_source()
    {
        var (pipeline, _) = await PipelineAsync();

        var id = await aws.Pipelines.StartAsync(pipeline);
        var failed = await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Failed");
        var source = await SourceActionAsync(pipeline, id);

        Assert.Equal("Failed", source["status"]!.GetValue<string>());
        var error = source["output"]!["executionResult"]!["errorDetails"]!["message"]!.GetValue<string>();
        Assert.Contains($"'{Key}' does not exist", error);
        Assert.Contains("Error Code: NoSuchKey", error);
        Assert.Empty(failed["artifactRevisions"]!.AsArray());
        Assert.DoesNotContain(await aws.Pipelines.ActionExecutionsAsync(pipeline, id), a => a["actionName"]!.GetValue<string>() == "Release");
    }

    [Fact]
    public async Task The_version_the_source_read_is_the_executions_revision_and_its_output_artifact()
    {
        var (pipeline, bucket) = await PipelineAsync();
        var version = await aws.S3.PutZipAsync(bucket, Key, new Dictionary<string, string> { ["index.html"] = "v1" },
            new Dictionary<string, string> { ["codepipeline-artifact-revision-summary"] = "Fix the header (a1b2c3)" });

        var id = await aws.Pipelines.StartAsync(pipeline);
        var done = await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Succeeded");
        var source = await SourceActionAsync(pipeline, id);
        var output = source["output"]!["outputArtifacts"]![0]!["s3location"]!;
        var copied = await aws.S3.ReadZipAsync(output["bucket"]!.GetValue<string>(), output["key"]!.GetValue<string>());
        var summary = (await aws.Pipelines.CallAsync("ListPipelineExecutions", new JsonObject { ["pipelineName"] = pipeline }))["pipelineExecutionSummaries"]![0]!;

        var revision = Assert.Single(done["artifactRevisions"]!.AsArray())!;
        Assert.Equal(("Source", version), (revision["name"]!.GetValue<string>(), revision["revisionId"]!.GetValue<string>()));
        Assert.Equal("Fix the header (a1b2c3)", revision["revisionSummary"]!.GetValue<string>());
        Assert.Equal(version, summary["sourceRevisions"]![0]!["revisionId"]!.GetValue<string>());
        Assert.Equal(version, source["output"]!["outputVariables"]!["VersionId"]!.GetValue<string>());
        Assert.StartsWith($"{pipeline[..Math.Min(20, pipeline.Length)]}/Source/", output["key"]!.GetValue<string>());
        Assert.Equal("v1", copied["index.html"]);
    }

    [Fact]
    public async Task SourceRevisions_build_exactly_the_version_given_and_a_version_that_does_not_exist_fails_the_source()
    {
        var (pipeline, bucket) = await PipelineAsync();
        var older = await aws.S3.PutZipAsync(bucket, Key, new Dictionary<string, string> { ["index.html"] = "older" });
        await aws.S3.PutZipAsync(bucket, Key, new Dictionary<string, string> { ["index.html"] = "newer" });
        var gone = await aws.S3.PutZipAsync(bucket, Key, new Dictionary<string, string> { ["index.html"] = "gone" });
        await aws.S3.Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = Key, VersionId = gone });

        var pinned = await aws.Pipelines.StartAsync(pipeline, sourceRevisions: ("Checkout", "S3_OBJECT_VERSION_ID", older));
        var built = await aws.Pipelines.WaitForStatusAsync(pipeline, pinned, "Succeeded");
        var output = (await SourceActionAsync(pipeline, pinned))["output"]!["outputArtifacts"]![0]!["s3location"]!;
        var missing = await aws.Pipelines.StartAsync(pipeline, sourceRevisions: ("Checkout", "S3_OBJECT_VERSION_ID", gone));
        await aws.Pipelines.WaitForStatusAsync(pipeline, missing, "Failed");
        var error = (await SourceActionAsync(pipeline, missing))["output"]!["executionResult"]!["errorDetails"]!["message"]!.GetValue<string>();

        Assert.Equal(older, built["artifactRevisions"]![0]!["revisionId"]!.GetValue<string>());
        Assert.Equal("older", (await aws.S3.ReadZipAsync(output["bucket"]!.GetValue<string>(), output["key"]!.GetValue<string>()))["index.html"]);
        Assert.Contains($"Version '{gone}'", error);
        Assert.Contains("Error Code: NoSuchVersion", error);
    }

    [Theory]
    [InlineData("Checkout", "COMMIT_ID", "a1b2c3", "not valid for action 'Checkout' with provider S3")]
    [InlineData("Release", "S3_OBJECT_VERSION_ID", "a1b2c3", "Source action 'Release' does not exist")]
    [InlineData("Checkout", "S3_OBJECT_KEY", "other.zip", "AllowOverrideForS3ObjectKey")]
    [InlineData("Checkout", "BRANCH", "main", "Member must satisfy enum value set")]
    [InlineData("Check out", "S3_OBJECT_VERSION_ID", "a1b2c3", "Member must satisfy regular expression pattern")]
    public async Task SourceRevisions_that_CodePipeline_refuses_start_nothing(string action, string type, string value, string message)
    {
        var (pipeline, _) = await PipelineAsync();

        var refused = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.StartAsync(pipeline, sourceRevisions: (action, type, value)));

        Assert.Equal(("ValidationException", 400), (refused.Code, refused.Status));
        Assert.Contains(message, refused.AwsMessage);
        Assert.Empty((await aws.Pipelines.CallAsync("ListPipelineExecutions", new JsonObject { ["pipelineName"] = pipeline }))["pipelineExecutionSummaries"]!.AsArray());
    }

    [Fact]
    public async Task A_source_bucket_without_versioning_fails_the_source()
    {
        var (pipeline, bucket) = await PipelineAsync();
        await aws.S3.PutZipAsync(bucket, Key, new Dictionary<string, string> { ["index.html"] = "v1" });
        await aws.S3.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = Amazon.S3.VersionStatus.Suspended },
        });

        var id = await aws.Pipelines.StartAsync(pipeline);
        await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Failed");

        Assert.Contains("versioning", (await SourceActionAsync(pipeline, id))["output"]!["executionResult"]!["errorDetails"]!["message"]!.GetValue<string>());
    }
}
