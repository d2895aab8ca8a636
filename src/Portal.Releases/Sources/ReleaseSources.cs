using System.Text;
using Portal.Aws.S3;
using Portal.Data.Entities;
using Portal.Data.Text;
using Portal.GitLab;

namespace Portal.Releases.Sources;

/// <summary>Where an environment's releases put their sources, and with what they fetch them from GitLab.</summary>
public sealed record SourceTarget(string Bucket, string Prefix, string ActionName, long ProjectId, string TokenSecretArn);

/// <summary>
/// Puts a release's commit in S3 for its pipeline, as the seeds' clone-and-zip job did: GitLab's archive of exactly that
/// commit (GET /projects/:id/repository/archive.zip?sha=), streamed to disk under a size limit, re-zipped with the files at
/// the root (<see cref="SourceBundle"/>), and put at "&lt;prefix&gt;&lt;release id&gt;.zip" with If-None-Match, so a release
/// started again (a crash, a retry) reuses its object version instead of making a second one. The object's
/// codepipeline-artifact-revision-summary metadata becomes the execution's revision summary.
/// </summary>
public sealed class ReleaseSources(GitLabClient gitlab, GitLabOptions options, GitLabTokenVault vault, IArtifactStore store)
{
    private const int MaxSummaryLength = 200;

    public async Task<StoredObject> PutAsync(SourceTarget target, Release release, CancellationToken cancellationToken)
    {
        var key = $"{target.Prefix}{release.Id:N}.zip";
        if (await store.HeadAsync(target.Bucket, key, cancellationToken) is { } existing)
            return new StoredObject(target.Bucket, key, existing.VersionId, Existed: true);
        var token = (await vault.ReadAsync(target.TokenSecretArn, cancellationToken)).Token;
        using var archive = await gitlab.DownloadArchiveAsync(token, target.ProjectId, release.CommitId, null, cancellationToken);
        using var bundle = await SourceBundle.FromArchiveAsync(archive, null, options, cancellationToken);
        return await store.PutOnceAsync(new ArtifactUpload(target.Bucket, key, bundle.Path, "application/zip")
        {
            Metadata = new Dictionary<string, string> { ["codepipeline-artifact-revision-summary"] = Summary(release) },
        }, cancellationToken);
    }

    /// <summary>"&lt;short sha&gt;: &lt;first line&gt;" in US-ASCII (what S3 user metadata carries as is).</summary>
    private static string Summary(Release release)
    {
        var title = release.Message?.Split('\n', 2)[0].Trim() ?? "";
        var text = new StringBuilder(Commits.Short(release.CommitId));
        if (title.Length > 0) text.Append(": ").Append(title);
        var ascii = new string(text.ToString().Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
        return ascii.Length <= MaxSummaryLength ? ascii : ascii[..MaxSummaryLength];
    }
}
