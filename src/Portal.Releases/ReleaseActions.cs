using Microsoft.EntityFrameworkCore;
using Portal.Aws;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Text;
using Portal.Releases.Starting;
using Portal.Releases.Sync;

namespace Portal.Releases;

/// <summary>
/// What people do to releases: retry a failed one (its host's page, operators), stop a running execution and read a
/// host's pipelines again now (operators). Each call is audited and runs on a DbContext of its own.
/// </summary>
public sealed class ReleaseActions(IDbContextFactory<PortalDbContext> contexts, IPipelines pipelines, ReleaseStateSync sync,
    ReleaseStartSignal startSignal, TimeProvider time)
{
    /// <summary>AWS keeps a stop reason of at most this many characters.</summary>
    private const int MaxStopReasonLength = 200;

    /// <summary>
    /// Puts a failed release back in the start queue (<see cref="Release.Requeue"/> decides which client request token it
    /// keeps). Two people retrying at once start one run: the second finds the release no longer Failed. A save that loses
    /// on the row version to a write that left the release Failed (the commit status just reported to GitLab, say) is
    /// tried again on a fresh read.
    /// </summary>
    public async Task<ActionResult> RetryAsync(Guid releaseId, Actor actor, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var release = await db.Releases.Include(r => r.Stages).Include(r => r.HostEnvironment).ThenInclude(e => e.Host)
                .SingleOrDefaultAsync(r => r.Id == releaseId, cancellationToken);
            if (release is null) return NoSuchRelease;
            if (release.State != ReleaseState.Failed) return ActionResult.Conflict("Only a failed release can be retried.");

            var rerun = release.Requeue($"Retried by {actor.Name}.", ReleaseTokens.ForRerun, time.GetUtcNow());
            db.Record(actor, AuditActions.ReleaseRetried,
                $"Release of {release.CommitId} to {EnvironmentNames.Of(release.HostEnvironment.Kind)} retried" +
                (rerun ? " as a new pipeline execution." : " with its original request token."),
                release.HostEnvironment.Host.CustomerId, release.HostEnvironment.HostId);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxRetrySaves)
            {
                continue;
            }
            catch (DbUpdateConcurrencyException)
            {
                return ActionResult.Conflict("The release changed meanwhile; look again.");
            }
            startSignal.Notify();
            return ActionResult.Done("The release is queued to start again.");
        }
    }

    /// <summary>How many times a retry reads and saves the release before it gives up on a release that keeps changing.</summary>
    private const int MaxRetrySaves = 3;

    /// <summary>
    /// Starts a new execution of the release's own source (the same S3 object version) in its environment, through the
    /// same pipeline and approvals: a redeploy, or a roll-back when a newer release has succeeded there since. Only the
    /// host's customer may, under the host's name (another customer's or host's release is not found); one run again of a version waits at a time,
    /// also when two ask at the same instant.
    /// </summary>
    public async Task<RunAgainResult> RunAgainAsync(Guid customerId, string hostName, Guid releaseId, Actor actor,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var release = await db.Releases.Include(r => r.HostEnvironment).ThenInclude(e => e.Host)
            .SingleOrDefaultAsync(r => r.Id == releaseId && r.HostEnvironment.Host.CustomerId == customerId && r.HostEnvironment.Host.Name == hostName,
                cancellationToken);
        if (release is null) return new(NoSuchRelease, null);
        var environment = release.HostEnvironment;
        if (environment.State is not (EnvironmentState.Active or EnvironmentState.Updating))
            return RunAgainResult.Refused($"The {EnvironmentNames.Of(environment.Kind)} environment is {environment.State}: it cannot release now.");
        if (!release.CanRunAgain)
            return RunAgainResult.Refused(release.SourceVersionId is null
                ? "This release's source never reached S3, so there is no version to deploy again; retry it instead."
                : "This release is still queued or running.");
        // Two people asking at once take turns on the environment's row, so the second sees the first's release queued.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM "HostEnvironments" WHERE "Id" = {environment.Id} FOR UPDATE""", cancellationToken);
        if (await db.Releases.AnyAsync(r => r.HostEnvironmentId == environment.Id && r.SourceVersionId == release.SourceVersionId
                && (r.State == ReleaseState.Pending || r.State == ReleaseState.InProgress || r.State == ReleaseState.WaitingForApproval), cancellationToken))
            return RunAgainResult.Refused("A release of this version is already queued or running in this environment.");

        var rollback = await db.Releases.AnyAsync(r => r.HostEnvironmentId == environment.Id && r.State == ReleaseState.Succeeded
            && r.CreatedAt > release.CreatedAt && r.SourceVersionId != release.SourceVersionId, cancellationToken);
        var now = time.GetUtcNow();
        var what = rollback ? "Roll-back" : "Redeploy";
        var again = release.RunAgain(ReleaseTokens.ForRunAgain(), $"{what} of {Commits.Short(release.CommitId)} requested by {actor.Name}.", now);
        db.Releases.Add(again);
        db.Record(actor, rollback ? AuditActions.ReleaseRolledBack : AuditActions.ReleaseRedeployed,
            $"{what} of {EnvironmentNames.Of(environment.Kind)} to {Commits.Short(release.CommitId)} (source version {release.SourceVersionId}, " +
            $"release {release.Id}) as release {again.Id}.",
            environment.Host.CustomerId, environment.HostId);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        startSignal.Notify();
        return new(ActionResult.Done($"{what} queued: a new execution of {Commits.Short(release.CommitId)} starts shortly."), again.Id);
    }

    /// <summary>Stops the release's pipeline execution (running actions finish, a waiting approval is abandoned), for a reason given.</summary>
    public async Task<ActionResult> StopAsync(Guid releaseId, Actor actor, string? reason, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var release = await db.Releases.AsNoTracking().Where(r => r.Id == releaseId)
            .Select(r => new
            {
                r.State, r.PipelineExecutionId, r.CommitId, r.HostEnvironmentId, r.HostEnvironment.Kind, r.HostEnvironment.PipelineName,
                r.HostEnvironment.HostId, r.HostEnvironment.Host.CustomerId,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (release is null) return NoSuchRelease;
        if (release.State is not (ReleaseState.InProgress or ReleaseState.WaitingForApproval) || release.PipelineExecutionId is null
            || release.PipelineName is null)
            return ActionResult.Conflict($"Only a running pipeline execution can be stopped; this release is {release.State}.");
        // The customer and the audit read why their release stopped: an operator says it.
        if (string.IsNullOrWhiteSpace(reason)) return ActionResult.Invalid("reason", "Say why the execution is stopped; the customer reads it.");
        var why = $"Stopped by {actor.Name}: {reason.Trim()}";
        try
        {
            await pipelines.StopExecutionAsync(release.PipelineName, release.PipelineExecutionId, PostgresText.ShortenNotNull(why, MaxStopReasonLength),
                abandon: false, cancellationToken);
        }
        catch (AwsException e) when (!e.Retryable)
        {
            await sync.SyncEnvironmentAsync(release.HostEnvironmentId, cancellationToken);
            return ActionResult.Conflict($"AWS did not stop the execution: {e.Code}: {e.AwsMessage}");
        }
        catch (AwsException e)
        {
            return ActionResult.Unavailable($"AWS did not answer ({e.Code}); try again in a moment.");
        }
        db.Record(actor, AuditActions.ReleaseStopped,
            $"{EnvironmentNames.Of(release.Kind)} release of {Commits.Short(release.CommitId)}, execution {release.PipelineExecutionId}: {why}.",
            release.CustomerId, release.HostId);
        await db.SaveChangesAsync(cancellationToken);
        await sync.SyncEnvironmentAsync(release.HostEnvironmentId, cancellationToken);
        return ActionResult.Done("Stop requested: the execution stops once its running actions finish.");
    }

    /// <summary>Reads every pipeline of the host again now, instead of at the next recurring sync.</summary>
    public async Task<ActionResult> ResyncAsync(Guid hostId, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await db.Hosts.AsNoTracking().Where(h => h.Id == hostId)
            .Select(h => new { h.CustomerId, Environments = h.Environments.Select(e => e.Id).ToList() }).SingleOrDefaultAsync(cancellationToken);
        if (host is null) return ActionResult.NotFound("There is no such host.");
        var changed = 0;
        foreach (var environment in host.Environments) changed += await sync.SyncEnvironmentAsync(environment, cancellationToken);
        db.Record(actor, AuditActions.HostResynced, $"{changed} release(s) changed.", host.CustomerId, hostId);
        await db.SaveChangesAsync(cancellationToken);
        return ActionResult.Done(changed == 0 ? "Re-synced: every release was up to date." : $"Re-synced: {changed} release(s) changed.");
    }

    private static readonly ActionResult NoSuchRelease = ActionResult.NotFound("There is no such release.");
}

/// <summary>A redeploy's or roll-back's outcome, and the new release when it was queued.</summary>
public sealed record RunAgainResult(ActionResult Result, Guid? NewReleaseId)
{
    public static RunAgainResult Refused(string message) => new(ActionResult.Conflict(message), null);
}
