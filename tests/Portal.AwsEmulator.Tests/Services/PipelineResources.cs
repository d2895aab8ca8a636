namespace Portal.AwsEmulator.Tests.Services;

/// <summary>What a pipeline at the emulator needs beside it: a versioned bucket for its S3 source and artifacts, and a build project.</summary>
public static class PipelineResources
{
    /// <summary>"Resources:" with the bucket (logical id Artifacts) and the project (Build); pipelines are appended after it.</summary>
    public const string ArtifactsAndBuild = """
        Resources:
          Artifacts:
            Type: AWS::S3::Bucket
            Properties: { VersioningConfiguration: { Status: Enabled } }
          Build:
            Type: AWS::CodeBuild::Project
            Properties:
              ServiceRole: arn:aws:iam::000000000000:role/build
              Environment: { Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: aws/codebuild/amazonlinux2-x86_64-standard:5.0 }
              Source: { Type: CODEPIPELINE, BuildSpec: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo compiling\n" }
              Artifacts: { Type: CODEPIPELINE }

        """;

    /// <summary>
    /// A V2 pipeline resource to append after <see cref="ArtifactsAndBuild"/>: Source (Fetch, source.zip from Artifacts) →
    /// Build (Compile, on Build), and with <paramref name="deploy"/> → Deploy (Release, CodeDeploy).
    /// </summary>
    public static string S3SourcePipeline(string logicalId, string executionMode, bool deploy = false) => $$"""
          {{logicalId}}:
            Type: AWS::CodePipeline::Pipeline
            Properties:
              PipelineType: V2
              ExecutionMode: {{executionMode}}
              RoleArn: arn:aws:iam::000000000000:role/pipeline
              ArtifactStore: { Type: S3, Location: !Ref Artifacts }
              Stages:
                - Name: Source
                  Actions: [{ Name: Fetch, ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: "1" }, Configuration: { S3Bucket: !Ref Artifacts, S3ObjectKey: source.zip }, OutputArtifacts: [{ Name: Source }] }]
                - Name: Build
                  Actions: [{ Name: Compile, ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: "1" }, Configuration: { ProjectName: !Ref Build }, InputArtifacts: [{ Name: Source }] }]

        """ + (deploy ? DeployStage : "");

    private const string DeployStage = """
                - Name: Deploy
                  Actions: [{ Name: Release, ActionTypeId: { Category: Deploy, Owner: AWS, Provider: CodeDeploy, Version: "1" }, Configuration: { ApplicationName: app } }]

        """;
}
