using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Aws.CodePipeline;
using Portal.Aws.S3;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Images;

/// <summary>
/// Reads the AMI a finished bake produced: ListActionExecutions of the execution gives the Packer action's output
/// artifact in the artifact store; that zip holds Packer's manifest (the manifest post-processor's
/// manifest-&lt;customer&gt;-&lt;environment&gt;.json), whose last build's artifact_id is "region:ami-…" (several
/// "region:ami" pairs, comma-separated, when the image was copied to other regions).
/// </summary>
public sealed partial class AmiManifest(IPipelines pipelines, IArtifactStore store, PlatformSettings platform)
{
    private const int MaxArtifactBytes = 16 * 1024 * 1024;

    /// <summary>The AMI id, or the reason none could be read.</summary>
    public async Task<(string? AmiId, string? Problem)> ReadAsync(string pipelineName, string executionId, CancellationToken cancellationToken)
    {
        var actions = await pipelines.ListActionExecutionsAsync(pipelineName, executionId, cancellationToken);
        var bake = actions.LastOrDefault(a => a.ActionName == PipelineActions.PackerBake && a.Status == "Succeeded");
        if (bake?.OutputArtifacts.FirstOrDefault() is not { } artifact)
            return (null, $"The execution has no succeeded {PipelineActions.PackerBake} action with an output artifact.");
        var manifest = await store.ReadAsync(artifact.Bucket, artifact.Key, null, ReadManifestAsync, cancellationToken);
        if (manifest is null) return (null, "The bake's output artifact holds no manifest-*.json.");
        return ArtifactId(manifest);
    }

    private (string? AmiId, string? Problem) ArtifactId(string manifest)
    {
        string? artifactId;
        try
        {
            using var document = JsonDocument.Parse(manifest);
            artifactId = document.RootElement.GetProperty("builds").EnumerateArray().LastOrDefault() is { ValueKind: JsonValueKind.Object } last
                && last.TryGetProperty("artifact_id", out var id) ? id.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, $"Packer's manifest is not readable: {e.Message}");
        }
        var pairs = (artifactId ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(':', 2)).Where(p => p.Length == 2).ToList();
        var ami = (pairs.FirstOrDefault(p => p[0] == platform.Region) ?? pairs.FirstOrDefault())?[1];
        return ami is not null && AmiPattern().IsMatch(ami) ? (ami, null) : (null, $"Packer's manifest names no AMI of region {platform.Region} ('{artifactId}').");
    }

    private static async Task<string?> ReadManifestAsync(Stream body)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            if (copy.Length + read > MaxArtifactBytes) return null;
            copy.Write(buffer, 0, read);
        }
        copy.Position = 0;
        try
        {
            using var zip = new ZipArchive(copy, ZipArchiveMode.Read);
            var entry = zip.Entries.FirstOrDefault(e => e.Name.StartsWith("manifest-", StringComparison.Ordinal) && e.Name.EndsWith(".json", StringComparison.Ordinal));
            if (entry is null) return null;
            using var reader = new StreamReader(entry.Open());
            return await reader.ReadToEndAsync();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    [GeneratedRegex("^ami-[0-9a-f]{8,17}$")]
    private static partial Regex AmiPattern();
}
