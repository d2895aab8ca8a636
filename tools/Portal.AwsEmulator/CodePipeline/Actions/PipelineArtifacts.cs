using Portal.AwsEmulator.S3;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CodePipeline.Actions;

/// <summary>
/// Where CodePipeline keeps artifacts in its artifact store: "{pipeline name cut to 20}/{artifact name cut to 10}/{7 random
/// characters}" (the folder host-*.yaml grant the builds, PipelineArtifactFolder).
/// </summary>
public static class PipelineArtifacts
{
    public static string Key(string pipelineName, string artifactName) =>
        $"{pipelineName[..Math.Min(20, pipelineName.Length)]}/{artifactName[..Math.Min(10, artifactName.Length)]}/{Ids.Mixed(7)}";

    /// <summary>Writes the artifact; null with the reason when the artifact store cannot take it.</summary>
    public static async Task<(ArtifactLocation? Location, string? Problem)> WriteAsync(ActionRun run, string artifactName, Stream content, CancellationToken cancellationToken)
    {
        var bucket = run.Pipeline.ArtifactStore;
        if (bucket is null || run.Region.S3.FindBucket(bucket) is not { } store)
            return (null, $"The artifact store bucket '{bucket}' does not exist. Underlying error: The specified bucket does not exist "
                + "(Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket)");
        if (store.Region != run.Region.Name)
            return (null, $"The artifact store bucket '{bucket}' is in region {store.Region}, not in the pipeline's region {run.Region.Name}.");
        var key = Key(run.Pipeline.Name, artifactName);
        await S3ObjectWriter.PutAsync(run.Region.S3, bucket, key, content, "application/zip", cancellationToken);
        return (new ArtifactLocation(bucket, key), null);
    }
}
