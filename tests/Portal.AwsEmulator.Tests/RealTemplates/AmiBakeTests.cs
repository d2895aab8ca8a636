using System.Text.Json.Nodes;
using Amazon.S3.Model;
using Portal.AwsEmulator.Tests.Calls;
using Portal.Data.Entities;

namespace Portal.AwsEmulator.Tests.RealTemplates;

/// <summary>
/// The infrastructure pipeline of templates/host-infrastructure.yaml bakes the AMI as the real one would: the build
/// fetches the rendered Packer template from S3, Packer's manifest post-processor writes the manifest, and the output
/// artifact (found through ListActionExecutions) carries it; the build's CodeBuild log lines are in CloudWatch Logs,
/// found through BatchGetBuilds.
/// </summary>
public sealed class AmiBakeTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private PortalTemplates Templates => new(aws.Stacks);

    private async Task<(string Pipeline, string Bucket, Provisioning.Templates.StackPlan Plan)> InfrastructureAsync(string customer, bool uploadPackerTemplate)
    {
        var (_, settings) = await Templates.CreatePlatformAsync(EmulatorFixture.UniqueName("platform"));
        var plan = PortalTemplates.Renderer(settings).Render(PortalTemplates.Order(EnvironmentKind.Dev, customer), listenerPriority: 30);
        var infrastructure = await Templates.DeployAsync(plan.Infrastructure);
        Assert.Equal("CREATE_COMPLETE", infrastructure.Status);
        if (uploadPackerTemplate)
            await aws.S3.Client.PutObjectAsync(new PutObjectRequest { BucketName = settings.ArtifactBucket, Key = plan.Packer.ObjectKey, ContentBody = plan.Packer.Content });
        await aws.S3.PutZipAsync(settings.ArtifactBucket, plan.Infrastructure.Parameter("InfrastructureSourceKey")!,
            new Dictionary<string, string> { ["install.sh"] = "#!/bin/sh\nyum install -y nginx\n" });
        return (infrastructure.Outputs["InfrastructurePipelineName"], settings.ArtifactBucket, plan);
    }

    private async Task<JsonObject> PackerActionAsync(string pipeline, string executionId) =>
        Assert.Single(await aws.Pipelines.ActionExecutionsAsync(pipeline, executionId), a => a["actionName"]!.GetValue<string>() == "Packer");

    [Fact]
    public async Task The_bake_writes_the_packer_manifest_as_its_output_artifact_and_its_log_to_the_projects_log_group()
    {
        var (pipeline, bucket, _) = await InfrastructureAsync("acme", uploadPackerTemplate: true);

        var id = await aws.Pipelines.StartAsync(pipeline, new Dictionary<string, string> { ["CommitId"] = "c0ffee" });
        await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Succeeded");
        var packer = await PackerActionAsync(pipeline, id);
        var artifact = packer["output"]!["outputArtifacts"]![0]!;
        var location = artifact["s3location"]!;
        var files = await aws.S3.ReadZipAsync(location["bucket"]!.GetValue<string>(), location["key"]!.GetValue<string>());
        var manifest = JsonNode.Parse(files["manifest-acme-dev.json"])!;
        var artifactId = manifest["builds"]![0]!["artifact_id"]!.GetValue<string>();
        var buildId = packer["output"]!["executionResult"]!["externalExecutionId"]!.GetValue<string>();
        var build = await aws.Builds.BuildAsync(buildId);

        Assert.Equal("AmiManifest", artifact["name"]!.GetValue<string>());
        Assert.Equal(bucket, location["bucket"]!.GetValue<string>());
        Assert.Equal(["ami-id.txt", "manifest-acme-dev.json"], files.Keys.Order());
        Assert.Matches("^eu-west-1:ami-[0-9a-f]{17}$", artifactId);
        Assert.Equal(artifactId.Split(':')[1] + "\n", files["ami-id.txt"]);
        Assert.Equal("amazon-ebs", manifest["builds"]![0]!["builder_type"]!.GetValue<string>());
        Assert.Equal(manifest["last_run_uuid"]!.GetValue<string>(), manifest["builds"]![0]!["packer_run_uuid"]!.GetValue<string>());
        Assert.Matches("^acme-web-dev-[a-z2-7]{6}-ami:", buildId);
        Assert.Equal(("SUCCEEDED", "COMPLETED"), (build["buildStatus"]!.GetValue<string>(), build["currentPhase"]!.GetValue<string>()));
        Assert.Matches("^/portal/hosts/acme-web-dev-[a-z2-7]{6}/ami-build$", build["logs"]!["groupName"]!.GetValue<string>());
        Assert.Equal(buildId.Split(':')[1], build["logs"]!["streamName"]!.GetValue<string>());
        Assert.Contains(build["environment"]!["environmentVariables"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "COMMIT_ID" && v["value"]!.GetValue<string>() == "c0ffee");
        Assert.Contains(build["phases"]!.AsArray(), p => p!["phaseType"]!.GetValue<string>() == "BUILD" && p["phaseStatus"]!.GetValue<string>() == "SUCCEEDED");
    }

    [Fact]
    public async Task GetLogEvents_pages_forward_from_the_head_and_backward_from_the_tail_like_CloudWatch_Logs()
    {
        var (pipeline, _, _) = await InfrastructureAsync("initech", uploadPackerTemplate: true);
        var id = await aws.Pipelines.StartAsync(pipeline);
        await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Succeeded");
        var build = await aws.Builds.BuildAsync((await PackerActionAsync(pipeline, id))["output"]!["executionResult"]!["externalExecutionId"]!.GetValue<string>());
        JsonObject Request() => new() { ["logGroupName"] = build["logs"]!["groupName"]!.GetValue<string>(), ["logStreamName"] = build["logs"]!["streamName"]!.GetValue<string>() };

        var forward = new List<string>();
        string? token = null;
        while (true)
        {
            var request = Request();
            request["limit"] = 7;
            if (token is null) request["startFromHead"] = true;
            else request["nextToken"] = token;
            var page = await aws.Builds.LogEventsAsync(request);
            var next = page["nextForwardToken"]!.GetValue<string>();
            forward.AddRange(page["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()));
            if (next == token) break;
            token = next;
        }
        var tailRequest = Request();
        tailRequest["limit"] = 3;
        var tail = await aws.Builds.LogEventsAsync(tailRequest);
        var beforeRequest = Request();
        (beforeRequest["limit"], beforeRequest["nextToken"]) = (3, tail["nextBackwardToken"]!.GetValue<string>());
        var before = await aws.Builds.LogEventsAsync(beforeRequest);
        var filterRequest = Request();
        filterRequest.Remove("logStreamName");
        filterRequest["filterPattern"] = "\"Phase complete\"";
        var filtered = await aws.Builds.FilterAsync(filterRequest);
        var badToken = Request();
        badToken["nextToken"] = "f/not-a-token";
        var refused = await Assert.ThrowsAsync<AwsError>(() => aws.Builds.LogEventsAsync(badToken));
        var noStream = Request();
        noStream["logStreamName"] = "no-such-stream";
        var missing = await Assert.ThrowsAsync<AwsError>(() => aws.Builds.LogEventsAsync(noStream));

        Assert.StartsWith("[Container] ", forward[0]);
        Assert.Contains(forward, l => l.EndsWith("Running command packer build -var \"vpc_id=${VPC_ID}\" -var \"subnet_id=${PACKER_SUBNET_ID}\" -var \"security_group_id=${PACKER_SECURITY_GROUP_ID}\" -var \"commit_id=${COMMIT_ID:-unknown}\" \"${PACKER_FILE}\"", StringComparison.Ordinal));
        Assert.Contains(forward, l => l.EndsWith("Phase complete: BUILD State: SUCCEEDED", StringComparison.Ordinal));
        Assert.Contains(forward, l => l.StartsWith("Baked ami-", StringComparison.Ordinal));
        Assert.Equal(forward[^3..], tail["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()));
        Assert.Equal(forward[^6..^3], before["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()));
        Assert.NotEmpty(filtered["events"]!.AsArray());
        Assert.All(filtered["events"]!.AsArray(), e => Assert.Contains("Phase complete", e!["message"]!.GetValue<string>()));
        Assert.Equal("InvalidParameterException", refused.Code);
        Assert.Equal(("ResourceNotFoundException", "The specified log stream does not exist."), (missing.Code, missing.AwsMessage));
    }

    [Fact]
    public async Task Without_the_packer_template_in_S3_the_bake_fails_in_pre_build_as_the_AWS_CLI_would()
    {
        var (pipeline, _, plan) = await InfrastructureAsync("globex", uploadPackerTemplate: false);

        var id = await aws.Pipelines.StartAsync(pipeline);
        await aws.Pipelines.WaitForStatusAsync(pipeline, id, "Failed");
        var packer = await PackerActionAsync(pipeline, id);
        var build = await aws.Builds.BuildAsync(packer["output"]!["executionResult"]!["externalExecutionId"]!.GetValue<string>());
        var log = await aws.Builds.LogEventsAsync(new JsonObject
        {
            ["logGroupName"] = build["logs"]!["groupName"]!.GetValue<string>(),
            ["logStreamName"] = build["logs"]!["streamName"]!.GetValue<string>(),
            ["startFromHead"] = true,
        });

        Assert.StartsWith("Build terminated with state: FAILED. Phase: PRE_BUILD, Code: COMMAND_EXECUTION_ERROR",
            packer["output"]!["executionResult"]!["errorDetails"]!["message"]!.GetValue<string>());
        Assert.Equal("FAILED", build["buildStatus"]!.GetValue<string>());
        Assert.Empty(packer["output"]!["outputArtifacts"]!.AsArray());
        Assert.Contains(log["events"]!.AsArray(), e => e!["message"]!.GetValue<string>()
            == $"fatal error: An error occurred (404) when calling the HeadObject operation: Key \"{plan.Packer.ObjectKey}\" does not exist");
    }
}
