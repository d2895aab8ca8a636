using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Text;
using Portal.GitLab;

namespace Portal.Releases.Sources;

/// <summary>What a pushed commit may have changed in the repository's infrastructure folder, as the host image was last baked from.</summary>
public sealed record InfrastructureBaseline(Guid EnvironmentId, string Folder, string? BakedCommitId, long ProjectId, string TokenSecretArn);

/// <summary>
/// Asks for a new host image when a released commit changed the infrastructure folder since the commit the image reflects.
/// The push payload cannot tell (a moved file shows only under "added", and pushes skipped in between would be missed),
/// so it compares the two commits with GitLab's compare API, whose diffs carry old_path and new_path. The request is a
/// write to the environment's bake columns: the host journey's bakes pick it up; the two journeys meet only in the database.
/// </summary>
public sealed class InfrastructureChanges(GitLabClient gitlab, GitLabTokenVault vault, TimeProvider time, ILogger<InfrastructureChanges> logger)
{
    /// <summary>In the caller's transaction; never fails the release: trouble is logged and the next release looks again.</summary>
    public async Task RequestBakeIfTouchedAsync(PortalDbContext db, InfrastructureBaseline baseline, Release release, CancellationToken cancellationToken)
    {
        string? reason;
        try
        {
            reason = await ReasonAsync(baseline, release, cancellationToken);
        }
        catch (Exception e) when (e is GitLabException or Aws.AwsException)
        {
            logger.LogWarning("Release {ReleaseId}: whether it changed the infrastructure folder is unknown ({Message})", release.Id, e.Message);
            return;
        }
        if (reason is null) return;
        var now = time.GetUtcNow();
        var text = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
        await db.HostEnvironments.Where(e => e.Id == baseline.EnvironmentId).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.BakeRequestedAt, now)
            .SetProperty(e => e.BakeReason, text)
            .SetProperty(e => e.BakeCommitId, release.CommitId)
            .SetProperty(e => e.UpdatedAt, now), cancellationToken);
        logger.LogInformation("Release {ReleaseId} asks for a new host image: {Reason}", release.Id, reason);
    }

    private async Task<string?> ReasonAsync(InfrastructureBaseline baseline, Release release, CancellationToken cancellationToken)
    {
        if (baseline.BakedCommitId is not { } baked)
            return $"commit {Commits.Short(release.CommitId)} was pushed and no image reflects the folder '{baseline.Folder}' yet";
        if (baked == release.CommitId) return null;
        var token = (await vault.ReadAsync(baseline.TokenSecretArn, cancellationToken)).Token;
        var comparison = await gitlab.CompareAsync(token, baseline.ProjectId, baked, release.CommitId, cancellationToken);
        return comparison.Touches(baseline.Folder)
            ? $"commit {Commits.Short(release.CommitId)} changed '{baseline.Folder}' since {Commits.Short(baked)}"
            : null;
    }
}
