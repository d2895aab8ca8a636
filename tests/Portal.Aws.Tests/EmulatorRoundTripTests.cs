using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.S3;
using Portal.Aws.Tests.Support;
using Portal.AwsEmulator.Faults;
using Portal.Tests.Support;

namespace Portal.Aws.Tests;

/// <summary>
/// The C# clients against the emulator over real HTTP: retries under injected throttling and server errors (proof 4),
/// and the round trip the issue asks for — a stack with a listener rule, a generated secret and a pipeline with a
/// manual approval, started, approved through the client, succeeding.
/// </summary>
public sealed class EmulatorRoundTripTests : IAsyncLifetime
{
    private const string ListenerArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/proof/0123456789abcdef/0123456789abcdef";
    private static readonly Dictionary<string, string?> Retrying = new()
    {
        ["Aws:MaxAttempts"] = "6",
        ["Aws:RetryBudget"] = "00:00:20",
        ["Aws:RetryBaseDelay"] = "00:00:00.010",
        ["Aws:RetryMaxDelay"] = "00:00:00.100",
    };

    private EmulatorHost emulator = null!;
    private AwsTestClients aws = null!;

    public async Task InitializeAsync()
    {
        emulator = await EmulatorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Emulator:Seed:Listeners:0:ListenerArn"] = ListenerArn,
            ["Emulator:Seed:Buckets:0:Name"] = "proof-artifacts",
        });
        aws = new AwsTestClients(emulator.BaseUrl, Retrying);
    }

    public async Task DisposeAsync()
    {
        aws.Dispose();
        await emulator.DisposeAsync();
    }

    [Fact]
    public async Task Throttled_and_failing_calls_succeed_within_the_budget()
    {
        const int times = 4;
        await emulator.AddFaultsAsync(new FaultSettings
        {
            Operations =
            [
                new OperationFault { Operation = "cloudformation:DescribeStacks", ThrottleRate = 1, Times = times },
                new OperationFault { Operation = "codepipeline:ListPipelineExecutions", ErrorRate = 1, ErrorStatus = 503, Times = 3 },
                new OperationFault { Operation = "secretsmanager:DescribeSecret", ThrottleRate = 1, Times = 2 },
            ],
        });

        Assert.Empty((await aws.CloudFormation.DescribeStacksAsync()).Items);
        await Assert.ThrowsAsync<AwsNotFoundException>(() => aws.Pipelines.ListExecutionsAsync("nope"));
        await Assert.ThrowsAsync<AwsNotFoundException>(() => aws.Secrets.DescribeSecretAsync("nope"));

        var stats = await emulator.StatsAsync();
        Assert.Equal(times + 1, stats.Operations["cloudformation:DescribeStacks"]);
        Assert.Equal(4, stats.Operations["codepipeline:ListPipelineExecutions"]);
        Assert.Equal(3, stats.Operations["secretsmanager:DescribeSecret"]);
    }

    [Fact]
    public async Task Throttling_beyond_the_budget_surfaces_as_unavailable_with_AWS_code()
    {
        await emulator.AddFaultsAsync(new FaultSettings { Operations = [new OperationFault { Operation = "cloudformation:DescribeStacks", ThrottleRate = 1 }] });

        var error = await Assert.ThrowsAsync<AwsUnavailableException>(() => aws.CloudFormation.DescribeStacksAsync());

        Assert.Equal("Throttling", error.Code);
        Assert.Equal(6, (await emulator.StatsAsync()).Operations["cloudformation:DescribeStacks"]);
    }

    [Fact]
    public async Task A_refused_call_is_not_retried()
    {
        var error = await Assert.ThrowsAsync<AwsValidationException>(() => aws.CloudFormation.CreateStackAsync(new CreateStackRequest("bad name!", "Resources: {}")));

        Assert.Equal("ValidationError", error.Code);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.Equal(1, (await emulator.StatsAsync()).Operations["cloudformation:CreateStack"]);
    }

    [Fact]
    public async Task A_stack_with_a_listener_rule_a_secret_and_a_pipeline_runs_to_success_once_approved_through_the_client()
    {
        var stackId = await aws.CloudFormation.CreateStackAsync(new CreateStackRequest("proof", Template) { ClientRequestToken = "proof-create", Capabilities = ["CAPABILITY_IAM"] });
        var stack = await Poll.UntilAsync(() => aws.CloudFormation.DescribeStackAsync(stackId), s => s is { InProgress: false }, TimeSpan.FromSeconds(30), "the stack");
        Assert.Equal("CREATE_COMPLETE", stack!.StackStatus);

        var rules = await aws.LoadBalancerRules.DescribeRulesAsync(ListenerArn);
        var rule = Assert.Single(rules, r => !r.IsDefault);
        Assert.Equal(7, rule.NumericPriority);
        Assert.Equal(["proof.example.test"], Assert.Single(rule.Conditions).Values);
        var secret = await aws.Secrets.GetSecretValueAsync(stack.Outputs["SecretArn"]);
        Assert.Contains("password", secret.SecretString);

        // The commit's source, put once: the same upload again (a retried release) finds the version already there.
        var zip = Path.GetTempFileName();
        await File.WriteAllBytesAsync(zip, Zip("index.html", "<h1>0123abc</h1>"));
        var upload = new ArtifactUpload("proof-artifacts", "releases/push-1.zip", zip, "application/zip")
        {
            Metadata = new Dictionary<string, string> { ["codepipeline-artifact-revision-summary"] = "0123abc: proof" },
        };
        var stored = await aws.Artifacts.PutOnceAsync(upload);
        var again = await aws.Artifacts.PutOnceAsync(upload);
        Assert.Equal((stored.VersionId, false, true), (again.VersionId, stored.Existed, again.Existed));
        File.Delete(zip);

        var executionId = await aws.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("proof-pipeline")
        {
            ClientRequestToken = "push-1",
            Variables = new Dictionary<string, string> { ["CommitId"] = "0123abc" },
            SourceRevisions = SourceRevision.S3Object("Source", upload.Key, stored.VersionId),
        });
        Assert.Equal(executionId, await aws.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("proof-pipeline") { ClientRequestToken = "push-1" }));
        var waiting = await Poll.UntilAsync(() => aws.Pipelines.GetStateAsync("proof-pipeline"),
            s => ApprovalToken(s) is not null, TimeSpan.FromSeconds(30), "the manual approval");

        await aws.Pipelines.PutApprovalResultAsync(new ApprovalResultRequest("proof-pipeline", "Approval", "Approve", ApprovalToken(waiting)!, Approved: true, "Looks good"));

        var done = await Poll.UntilAsync(() => aws.Pipelines.GetExecutionAsync("proof-pipeline", executionId),
            e => e.Status != "InProgress", TimeSpan.FromSeconds(30), "the execution");
        Assert.Equal("Succeeded", done.Status);
        Assert.Equal("0123abc", done.Variables["CommitId"]);
        var revision = Assert.Single(done.ArtifactRevisions);
        Assert.Equal((stored.VersionId, "0123abc: proof"), (revision.RevisionId, revision.RevisionSummary));
        var source = Assert.Single(await aws.Pipelines.ListActionExecutionsAsync("proof-pipeline", executionId), a => a.ActionName == "Source");
        Assert.Equal(("Succeeded", stored.VersionId), (source.Status, source.ExternalExecutionId));
        var copied = Assert.Single(source.OutputArtifacts);
        Assert.Equal("<h1>0123abc</h1>", await aws.Artifacts.ReadAsync(copied.Bucket, copied.Key, null, async body =>
        {
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer);
            buffer.Position = 0;
            using var archive = new System.IO.Compression.ZipArchive(buffer);
            using var reader = new StreamReader(archive.GetEntry("index.html")!.Open());
            return await reader.ReadToEndAsync();
        }));
    }

    [Fact]
    public async Task A_source_object_that_does_not_exist_fails_the_execution_at_Source()
    {
        var stackId = await aws.CloudFormation.CreateStackAsync(new CreateStackRequest("proof-missing", Template.Replace("proof-pipeline", "proof-missing"))
        {
            Capabilities = ["CAPABILITY_IAM"],
        });
        await Poll.UntilAsync(() => aws.CloudFormation.DescribeStackAsync(stackId), s => s is { InProgress: false }, TimeSpan.FromSeconds(30), "the stack");

        var executionId = await aws.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("proof-missing")
        {
            SourceRevisions = SourceRevision.S3Object("Source", "releases/never-uploaded.zip", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"),
        });
        var done = await Poll.UntilAsync(() => aws.Pipelines.GetExecutionAsync("proof-missing", executionId),
            e => e.Status != "InProgress", TimeSpan.FromSeconds(30), "the execution");

        Assert.Equal("Failed", done.Status);
        var source = Assert.Single(await aws.Pipelines.ListActionExecutionsAsync("proof-missing", executionId));
        Assert.Contains("does not exist", source.ErrorMessage);
    }

    private static byte[] Zip(string name, string content)
    {
        using var buffer = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        using (var writer = new StreamWriter(archive.CreateEntry(name).Open()))
            writer.Write(content);
        return buffer.ToArray();
    }

    private static string? ApprovalToken(PipelineState state) =>
        state.Stages.FirstOrDefault(s => s.StageName == "Approval")?.Actions.FirstOrDefault()?.LatestExecution is { Status: "InProgress", Token: { } token } ? token : null;

    private const string Template = $$"""
        Resources:
          TargetGroup:
            Type: AWS::ElasticLoadBalancingV2::TargetGroup
            Properties:
              VpcId: vpc-0123456789abcdef0
              Protocol: HTTP
              Port: 8080
          Rule:
            Type: AWS::ElasticLoadBalancingV2::ListenerRule
            Properties:
              ListenerArn: {{ListenerArn}}
              Priority: 7
              Conditions:
                - Field: host-header
                  HostHeaderConfig:
                    Values: [proof.example.test]
              Actions:
                - Type: forward
                  TargetGroupArn: !Ref TargetGroup
          Secret:
            Type: AWS::SecretsManager::Secret
            Properties:
              GenerateSecretString:
                SecretStringTemplate: '{"username": "app"}'
                GenerateStringKey: password
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: { Service: codepipeline.amazonaws.com }
                    Action: sts:AssumeRole
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              Name: proof-pipeline
              PipelineType: V2
              RoleArn: !GetAtt Role.Arn
              ArtifactStore: { Type: S3, Location: proof-artifacts }
              Variables:
                - Name: CommitId
                  DefaultValue: unknown
              Stages:
                - Name: Source
                  Actions:
                    - Name: Source
                      ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }
                      Configuration: { S3Bucket: proof-artifacts, S3ObjectKey: source.zip, AllowOverrideForS3ObjectKey: "true" }
                      OutputArtifacts: [{ Name: Source }]
                - Name: Approval
                  Actions:
                    - Name: Approve
                      ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: "1" }
                - Name: Deploy
                  Actions:
                    - Name: Deploy
                      ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CodeDeploy, Version: "1" }
                      Configuration: { ApplicationName: proof, DeploymentGroupName: proof }
                      InputArtifacts: [{ Name: Source }]
        Outputs:
          SecretArn:
            Value: !Ref Secret
        """;
}
