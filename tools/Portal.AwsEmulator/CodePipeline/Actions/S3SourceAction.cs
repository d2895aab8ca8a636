using Portal.AwsEmulator.S3;

namespace Portal.AwsEmulator.CodePipeline.Actions;

/// <summary>
/// The S3 source action (Amazon S3 source action reference): reads S3ObjectKey from S3Bucket, the version that
/// StartPipelineExecution's sourceRevisions names (S3_OBJECT_VERSION_ID, and S3_OBJECT_KEY when the action allows
/// it) or else the latest, and copies it into the artifact store as the action's output artifact. The version read is
/// the execution's source revision; ETag and VersionId are its output variables. A missing bucket, object or version
/// fails the action, as it fails on AWS.
/// </summary>
public static class S3SourceAction
{
    public static async Task<ActionOutcome> RunAsync(ActionRun run, CancellationToken cancellationToken)
    {
        var configuration = run.ResolvedConfiguration;
        var bucketName = configuration.GetValueOrDefault("S3Bucket") ?? "";
        var key = Override(run, SourceRevisionTypes.S3ObjectKey) ?? configuration.GetValueOrDefault("S3ObjectKey") ?? "";
        var versionId = Override(run, SourceRevisionTypes.S3ObjectVersionId);
        if (run.Fault is { } fault) return ActionOutcome.Failed(fault.Message, fault.Code);

        var bucket = run.Region.S3.FindBucket(bucketName);
        if (bucket is null) return Failed($"The Amazon S3 bucket '{bucketName}' does not exist.", S3Errors.NoSuchBucket(bucketName));
        if (bucket.Region != run.Region.Name)
            return ActionOutcome.Failed($"The Amazon S3 bucket '{bucketName}' is in region {bucket.Region}; a source bucket must be in the pipeline's region {run.Region.Name}.");
        if (bucket.Versioning != VersioningStates.Enabled)
            return ActionOutcome.Failed($"The Amazon S3 bucket '{bucketName}' does not have versioning enabled. An Amazon S3 source bucket must be versioned.");
        OpenedObject source;
        try
        {
            source = run.Region.S3.Open(bucketName, key, versionId, "GET");
        }
        catch (S3Error error)
        {
            var what = versionId is null ? $"The object with key '{key}'" : $"Version '{versionId}' of the object with key '{key}'";
            return Failed($"{what} does not exist in the Amazon S3 bucket '{bucketName}'.", error);
        }

        using (source)
        {
            var outputs = new Dictionary<string, ArtifactLocation>();
            foreach (var artifact in run.Action.OutputArtifacts ?? [])
            {
                await using var body = source.Body is null ? Stream.Null : (Stream)source.Body;
                var (location, problem) = await PipelineArtifacts.WriteAsync(run, artifact, body, cancellationToken);
                if (location is null) return ActionOutcome.Failed(problem!);
                outputs[artifact] = location;
            }
            var version = source.Version;
            var etag = version.ETag.Trim('"');
            return new ActionOutcome(true, $"Amazon S3 version id: {version.VersionId}")
            {
                ExternalExecutionId = version.VersionId,
                ExternalExecutionSummary = $"Amazon S3 version id: {version.VersionId}",
                ExternalExecutionUrl = $"https://console.aws.amazon.com/s3/object/{bucketName}?region={run.Region.Name}&prefix={Uri.EscapeDataString(key)}",
                OutputArtifacts = outputs,
                OutputVariables = new Dictionary<string, string> { ["ETag"] = etag, ["VersionId"] = version.VersionId },
                Revision = new ArtifactRevisionRecord(
                    run.Action.OutputArtifacts?.FirstOrDefault() ?? run.Action.Name, run.Action.Name, version.VersionId,
                    version.Metadata.GetValueOrDefault("codepipeline-artifact-revision-summary"), version.LastModified,
                    $"https://console.aws.amazon.com/s3/object/{bucketName}?region={run.Region.Name}&prefix={Uri.EscapeDataString(key)}&versionId={version.VersionId}"),
            };
        }
    }

    private static string? Override(ActionRun run, string type) =>
        run.Execution.SourceRevisions.FirstOrDefault(r => r.ActionName == run.Action.Name && r.RevisionType == type)?.RevisionValue;

    /// <summary>The failure CodePipeline shows: what is missing, then S3's own answer.</summary>
    private static ActionOutcome Failed(string what, S3Error error) => ActionOutcome.Failed(
        $"{what} Underlying error: {error.Message} (Service: Amazon S3; Status Code: {(int)error.Status}; Error Code: {error.Code}; Request ID: {State.Ids.Upper(16)})");
}
