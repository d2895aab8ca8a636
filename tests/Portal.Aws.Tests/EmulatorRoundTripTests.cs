using Portal.Aws.Tests.Support;
using Portal.AwsEmulator.Faults;
using Portal.Provisioning.Aws;
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
        emulator = await EmulatorHost.StartAsync(new Dictionary<string, string?> { ["Emulator:Seed:Listeners:0:ListenerArn"] = ListenerArn });
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

        var executionId = await aws.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("proof-pipeline")
        {
            ClientRequestToken = "push-1",
            Variables = new Dictionary<string, string> { ["CommitId"] = "0123abc" },
        });
        Assert.Equal(executionId, await aws.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("proof-pipeline") { ClientRequestToken = "push-1" }));
        var waiting = await Poll.UntilAsync(() => aws.Pipelines.GetStateAsync("proof-pipeline"),
            s => ApprovalToken(s) is not null, TimeSpan.FromSeconds(30), "the manual approval");

        await aws.Pipelines.PutApprovalResultAsync(new ApprovalResultRequest("proof-pipeline", "Approval", "Approve", ApprovalToken(waiting)!, Approved: true, "Looks good"));

        var done = await Poll.UntilAsync(() => aws.Pipelines.GetExecutionAsync("proof-pipeline", executionId),
            e => e.Status != "InProgress", TimeSpan.FromSeconds(30), "the execution");
        Assert.Equal("Succeeded", done.Status);
        Assert.Equal("0123abc", done.Variables["CommitId"]);
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
                      Configuration: { S3Bucket: proof-artifacts, S3ObjectKey: source.zip }
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
