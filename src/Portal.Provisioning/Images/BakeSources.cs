using Portal.Aws.S3;
using Portal.GitLab;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Images;

/// <summary>What a bake reads: the infrastructure folder's object version, or why there is nothing to bake.</summary>
public sealed record BakeSource(string? Key, string? VersionId, string? SkipReason);

/// <summary>
/// Puts what the infrastructure pipeline needs in the environment's prefix of the artifact bucket: the rendered Packer
/// template at the key the build copies it from (only when its content changed, recognised by a sha256 in its metadata),
/// and the infrastructure folder of the commit being baked, one object per commit written once (If-None-Match), so a
/// retried bake makes no second version.
/// </summary>
public sealed class BakeSources(GitLabClient gitlab, GitLabOptions gitLabOptions, IArtifactStore store, PlatformSettings platform)
{
    public const string ContentHashMetadata = "portal-sha256";

    public async Task PutPackerTemplateAsync(RenderedPackerTemplate packer, CancellationToken cancellationToken)
    {
        var head = await store.HeadAsync(platform.ArtifactBucket, packer.ObjectKey, cancellationToken);
        if (head is not null && head.Metadata.GetValueOrDefault(ContentHashMetadata) == packer.ContentHash) return;
        using var file = TempFile.Create(gitLabOptions.WorkDirectory, ".pkr.hcl");
        await File.WriteAllTextAsync(file.Path, packer.Content, cancellationToken);
        await store.PutAsync(new ArtifactUpload(platform.ArtifactBucket, packer.ObjectKey, file.Path, "text/plain")
        {
            Metadata = new Dictionary<string, string> { [ContentHashMetadata] = packer.ContentHash },
        }, cancellationToken);
    }

    /// <summary>The folder of <paramref name="commitId"/>; a commit without the folder is a skip, not a failure.</summary>
    public async Task<BakeSource> PutInfrastructureAsync(string token, long projectId, string commitId, string folder, ArtifactKeys keys,
        CancellationToken cancellationToken)
    {
        var key = keys.InfrastructureBake(commitId);
        if (await store.HeadAsync(platform.ArtifactBucket, key, cancellationToken) is { } existing) return new BakeSource(key, existing.VersionId, null);
        TempFile archive;
        try
        {
            archive = await gitlab.DownloadArchiveAsync(token, projectId, commitId, folder, cancellationToken);
        }
        catch (GitLabNotFoundException)
        {
            return new BakeSource(null, null,
                $"Commit {commitId[..Math.Min(12, commitId.Length)]} has no folder '{folder}': the hosts keep their image (the platform's, with the CodeDeploy agent installed at boot, until a first bake).");
        }
        using (archive)
        using (var bundle = await SourceBundle.FromArchiveAsync(archive, folder, gitLabOptions, cancellationToken))
        {
            var stored = await store.PutOnceAsync(new ArtifactUpload(platform.ArtifactBucket, key, bundle.Path, "application/zip")
            {
                Metadata = new Dictionary<string, string> { ["codepipeline-artifact-revision-summary"] = $"{folder} of {commitId}" },
            }, cancellationToken);
            return new BakeSource(key, stored.VersionId, null);
        }
    }
}
