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
}
