using Portal.Aws.CloudFormation;

namespace Portal.Tests.Support;

/// <summary>
/// Creates a host environment's software pipeline at the emulator through CloudFormation: the same shape as the Pipeline
/// of templates/host-software.yaml (type V2, queued, the four variables, Source → Build → Approval (production) → Deploy)
/// without the rest of the software stack. Like the real stack's, its build project runs the buildspec.yml of the
/// source, and its Source action reads from the platform's artifact bucket (which the fixtures seed, versioned) what
/// each execution's sourceRevisions name: the emulator fails the execution at Source when that object does not exist.
/// </summary>
public static class EmulatorPipelines
{
    public const string ApprovalStage = "Approval";
    public const string ApprovalAction = "customer-approve";
    public const string SourceAction = "SoftwareRepository";

    /// <summary>The artifact bucket of the tests' hosts (outside any stack, as the platform's is); seed it with <see cref="SeedAsync"/>.</summary>
    public const string ArtifactBucket = "portal-artifacts";

    public static Task SeedAsync(EmulatorHost emulator) => emulator.SeedBucketAsync(new Portal.AwsEmulator.SeedBucket { Name = ArtifactBucket });

    /// <summary>The software stack's outputs that say where releases put sources (as templates/host-software.yaml outputs them).</summary>
    public static Dictionary<string, string> SourceOutputs(string prefix) => new()
    {
        [Data.StackOutputs.SoftwareSourceBucket] = ArtifactBucket,
        [Data.StackOutputs.SoftwareSourcePrefix] = prefix,
        [Data.StackOutputs.SoftwareSourceAction] = SourceAction,
    };

    public static async Task CreateAsync(ICloudFormation cloudFormation, string pipelineName, bool withApproval)
    {
        var approval = withApproval ? $$"""
                    - Name: {{ApprovalStage}}
                      Actions:
                        - Name: {{ApprovalAction}}
                          ActionTypeId: { Category: Approval, Owner: AWS, Provider: Manual, Version: "1" }
                          Configuration:
                            CustomData: "deploy of commit #{variables.CommitId} by #{variables.Author}"
            """ : "";
        var template = $$"""
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Build:
                Type: AWS::CodeBuild::Project
                Properties:
                  Name: {{pipelineName}}-build
                  ServiceRole: arn:aws:iam::000000000000:role/{{pipelineName}}-build
                  Environment: { Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/amazonlinux2-x86_64-standard:5.0 }
                  Source: { Type: CODEPIPELINE }
                  Artifacts: { Type: CODEPIPELINE }
              Pipeline:
                Type: AWS::CodePipeline::Pipeline
                Properties:
                  Name: {{pipelineName}}
                  PipelineType: V2
                  ExecutionMode: QUEUED
                  RoleArn: arn:aws:iam::000000000000:role/{{pipelineName}}
                  ArtifactStore: { Type: S3, Location: {{ArtifactBucket}} }
                  Variables:
                    - { Name: CommitId, DefaultValue: unknown }
                    - { Name: Branch, DefaultValue: unknown }
                    - { Name: Author, DefaultValue: unknown }
                    - { Name: Message, DefaultValue: none }
                  Stages:
                    - Name: Source
                      Actions:
                        - Name: {{SourceAction}}
                          ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }
                          Configuration: { S3Bucket: {{ArtifactBucket}}, S3ObjectKey: software.zip, PollForSourceChanges: "false", AllowOverrideForS3ObjectKey: "true" }
                          OutputArtifacts: [ { Name: Source } ]
                    - Name: Build
                      Actions:
                        - Name: CustomerBuildspec
                          ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1" }
                          Configuration: { ProjectName: !Ref Build }
                          InputArtifacts: [ { Name: Source } ]
                          OutputArtifacts: [ { Name: Build } ]
            {{approval}}
                    - Name: Deploy
                      Actions:
                        - Name: CodeDeploy
                          ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CodeDeploy, Version: "1" }
                          Configuration: { ApplicationName: app, DeploymentGroupName: group }
                          InputArtifacts: [ { Name: Build } ]
            """;
        var stackName = pipelineName + "-stack";
        await cloudFormation.CreateStackAsync(new CreateStackRequest(stackName, template));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var stack = await cloudFormation.DescribeStackAsync(stackName);
            if (stack?.StackStatus == "CREATE_COMPLETE") return;
            if (stack is null || stack.StackStatus.EndsWith("FAILED", StringComparison.Ordinal) || stack.StackStatus.Contains("ROLLBACK"))
                throw new InvalidOperationException($"Pipeline stack {stackName}: {stack?.StackStatus} {stack?.StackStatusReason}");
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"Pipeline stack {stackName} is still {stack.StackStatus}.");
            await Task.Delay(20);
        }
    }
}
