using Portal.AwsEmulator.Tests.Calls;
using Portal.Tests.Support;

namespace Portal.AwsEmulator.Tests.Emulator;

/// <summary>With Emulator:StatePath the state survives a restart, and what was running goes on.</summary>
public sealed class PersistenceTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"emulator-state-{Guid.NewGuid():N}", "state.json");

    private const string Template = $$"""
        Resources:
          Targets: { Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: { Port: 80, Protocol: HTTP, VpcId: vpc-0123456789abcdef0 } }
          Rule:
            Type: AWS::ElasticLoadBalancingV2::ListenerRule
            Properties:
              ListenerArn: {{EmulatorFixture.SharedListenerArn}}
              Priority: 7
              Conditions: [{ Field: host-header, Values: [demo.example.com] }]
              Actions: [{ Type: forward, TargetGroupArn: !Ref Targets }]
          Secret: { Type: AWS::SecretsManager::Secret, Properties: { GenerateSecretString: { PasswordLength: 16 } } }
          Artifacts: { Type: AWS::S3::Bucket, Properties: { BucketName: demo-artifacts, VersioningConfiguration: { Status: Enabled } } }
          Pipeline:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              PipelineType: V2
              ExecutionMode: QUEUED
              ArtifactStore: { Type: S3, Location: !Ref Artifacts }
              Stages:
                - Name: Source
                  Actions:
                    - Name: Fetch
                      ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }
                      Configuration: { S3Bucket: !Ref Artifacts, S3ObjectKey: source.zip }
                      OutputArtifacts: [{ Name: Source }]
                - Name: Approval
                  Actions: [{ Name: Approve, ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: "1" } }]
        Outputs:
          Secret: { Value: !Ref Secret }
          Pipeline: { Value: !Ref Pipeline }
          Rule: { Value: !Ref Rule }
        """;

    private Task<EmulatorHost> StartAsync(IReadOnlyDictionary<string, string?>? extra = null) => EmulatorHost.StartAsync(
        EmulatorFixture.SeedSharedListener.Concat(extra ?? new Dictionary<string, string?>()).Append(new("Emulator:StatePath", path)).ToDictionary());

    [Fact]
    public async Task Stacks_secrets_rules_objects_and_a_waiting_approval_survive_a_restart()
    {
        StackView stack;
        string secret, execution, token, version;
        await using (var first = await StartAsync())
        {
            using var client = new AwsClient(first.BaseUrl);
            using var s3 = new S3Calls(first.BaseUrl);
            stack = await new CloudFormationCalls(client).CreateAndWaitAsync("demo", Template);
            version = await s3.PutZipAsync("demo-artifacts", "source.zip", S3Calls.SoftwareSource);
            secret = await new SecretCalls(client).ValueAsync(stack.Outputs["Secret"]);
            var pipelines = new PipelineCalls(client);
            execution = await pipelines.StartAsync(stack.Outputs["Pipeline"]);
            token = await pipelines.ApprovalTokenAsync(stack.Outputs["Pipeline"], execution);
        }

        await using var second = await StartAsync();
        using var again = new AwsClient(second.BaseUrl);
        using var s3Again = new S3Calls(second.BaseUrl);
        var restored = await new CloudFormationCalls(again).DescribeAsync("demo");
        var files = await s3Again.ReadZipAsync("demo-artifacts", "source.zip", version);
        var rules = await new LoadBalancingCalls(again).RulesAsync(EmulatorFixture.SharedListenerArn);
        var pipelinesAgain = new PipelineCalls(again);
        await pipelinesAgain.DecideAsync(stack.Outputs["Pipeline"], "Approval", "Approve", token, approve: true);

        Assert.True(File.Exists(path));
        Assert.Equal(("CREATE_COMPLETE", stack.StackId), (restored.Status, restored.StackId));
        Assert.Equal(stack.Outputs, restored.Outputs);
        Assert.Equal(secret, await new SecretCalls(again).ValueAsync(stack.Outputs["Secret"]));
        Assert.Equal(["7", "default"], rules.Select(r => r.Priority));
        Assert.Equal(stack.Outputs["Rule"], rules[0].Arn);
        Assert.Equal(S3Calls.SoftwareSource["index.html"], files["index.html"]);
        var done = await pipelinesAgain.WaitForStatusAsync(stack.Outputs["Pipeline"], execution, "Succeeded");
        Assert.Equal(version, done["artifactRevisions"]![0]!["revisionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stack_being_created_when_the_emulator_stops_is_finished_after_the_restart()
    {
        var slow = new Dictionary<string, string?> { ["Emulator:ResourceDelays:0:Type"] = "AWS::Logs::LogGroup", ["Emulator:ResourceDelays:0:Delay"] = "00:00:00.500" };
        string stackId;
        await using (var first = await StartAsync(slow))
        {
            using var client = new AwsClient(first.BaseUrl);
            stackId = await new CloudFormationCalls(client).CreateAsync("interrupted", "Resources:\n  Quick: { Type: AWS::SNS::Topic }\n  Slow: { Type: AWS::Logs::LogGroup, Properties: { LogGroupName: /apps/interrupted } }\n");
            await Task.Delay(100);
        }

        await using var second = await StartAsync();
        using var again = new AwsClient(second.BaseUrl);
        var stack = await new CloudFormationCalls(again).WaitAsync(stackId);

        Assert.Equal("CREATE_COMPLETE", stack.Status);
        Assert.All(await new CloudFormationCalls(again).ResourcesAsync(stackId), r => Assert.Equal("CREATE_COMPLETE", r.Status));
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
}
