using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;

namespace Portal.Provisioning.Releases;

/// <summary>What people do to releases: retry a failed one (host page, operators).</summary>
public sealed class ReleaseService(PortalDbContext db, ReleaseStartSignal startSignal, TimeProvider time)
{
    /// <summary>
    /// Puts a failed release back in the start queue. Which clientRequestToken it keeps is the point:
    /// <list type="bullet">
    /// <item>No execution is known (AWS refused or never answered): the same token. If AWS did start an execution whose
    /// answer was lost, the same token returns that execution instead of starting a second one; if it did not, the token
    /// is unused and starts one.</item>
    /// <item>An execution ran and failed: a new token (<see cref="ReleaseTokens.ForRerun"/>), because AWS answers the old
    /// token with the old, finished execution. The retry is then a new run of the same commit.</item>
    /// </list>
    /// Two people retrying at once start one run: the second finds the release no longer Failed (or loses on its version).
    /// </summary>
    public async Task<RetryReleaseResult> RetryReleaseAsync(Guid releaseId, Actor actor, CancellationToken cancellationToken)
    {
        var release = await db.Releases.Include(r => r.Stages).Include(r => r.HostEnvironment).ThenInclude(e => e.Host)
            .SingleOrDefaultAsync(r => r.Id == releaseId, cancellationToken);
        if (release is null) return RetryReleaseResult.NotFound;
        if (release.State != ReleaseState.Failed) return RetryReleaseResult.NotFailed;

        var rerun = release.PipelineExecutionId is not null;
        if (rerun)
        {
            release.ClientRequestToken = ReleaseTokens.ForRerun(release.ClientRequestToken);
            release.PipelineExecutionId = null;
            release.Stages.Clear();
        }
        release.State = ReleaseState.Pending;
        release.StateReason = $"Retried by {actor.Name}.";
        release.StartAttempts = 0;
        release.NextStartAttemptAt = null;
        release.PendingApprovalStage = release.PendingApprovalAction = release.PendingApprovalToken = null;
        release.WaitingSince = null;
        release.UpdatedAt = time.GetUtcNow();
        db.Record(actor, "release.retried",
            $"Release of {release.CommitId} to {release.HostEnvironment.Kind.ToString().ToLowerInvariant()} retried" +
            (rerun ? " as a new pipeline execution." : " with its original request token."),
            release.HostEnvironment.Host.CustomerId, release.HostEnvironment.HostId);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RetryReleaseResult.ChangedMeanwhile;
        }
        startSignal.Notify();
        return RetryReleaseResult.Queued;
    }
}

public enum RetryReleaseResult { Queued, NotFound, NotFailed, ChangedMeanwhile }
