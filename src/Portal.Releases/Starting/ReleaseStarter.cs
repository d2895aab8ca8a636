using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Aws;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Mail;
using Portal.Data.Text;
using Portal.GitLab;
using Portal.Releases.Sources;

namespace Portal.Releases.Starting;

/// <summary>
/// Starts the pipeline execution of one pending release, or else of the oldest accepted push, whose release it makes
/// (<see cref="ReleaseQueue"/>) in the same transaction. The row is locked (FOR UPDATE SKIP LOCKED) for the duration of
/// the call, so two starters never take the same release, and a starter that dies releases it with its connection.
/// First the commit's source goes to S3 (<see cref="ReleaseSources"/>, once per release), then the execution starts on
/// exactly that object version (sourceRevisions), so a queued execution builds its own commit. The clientRequestToken
/// makes the start exactly-once at AWS: a release started again after a crash, a timeout or a lost answer gets the
/// execution AWS already started, never a second one. A fetch, upload or start that fails in a way that may pass is
/// retried with backoff; then the release fails with the reason, and can be retried.
/// </summary>
public sealed class ReleaseStarter(IDbContextFactory<PortalDbContext> contexts, ReleaseQueue queue, IPipelines pipelines, ReleaseSources sources,
    InfrastructureChanges infrastructure, ReleaseTelemetry telemetry, ReleaseOptions options, TimeProvider time, ILogger<ReleaseStarter> logger)
{
    /// <summary>Starts the oldest release that is due, else the oldest accepted push, if any. Returns false when none was due.</summary>
    public async Task<bool> StartNextDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var due = await db.Releases
            .FromSql($"""
                SELECT *, xmin FROM "Releases"
                WHERE "State" = 'Pending' AND ("NextStartAttemptAt" IS NULL OR "NextStartAttemptAt" <= {now})
                ORDER BY "CreatedAt"
                LIMIT 1
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        var release = due.SingleOrDefault() ?? (await queue.TakeAsync(db, 1, cancellationToken)).SingleOrDefault();
        if (release is null)
        {
            if (!db.ChangeTracker.HasChanges()) return false;
            // An accepted push that could not be made into a release was failed.
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }

        var target = await db.HostEnvironments
            .Where(e => e.Id == release.HostEnvironmentId)
            .Select(e => new
            {
                e.Id,
                e.PipelineName,
                e.State,
                e.Outputs,
                HostState = e.Host.State,
                e.Host.GitLab.ProjectId,
                e.Host.GitLab.TokenSecretArn,
                e.Host.GitLab.InfrastructureFolder,
                Baking = e.BakeRequestedAt != null || e.BakeExecutionId != null,
                e.BakeCommitId,
                e.InfrastructureCommitId,
                Delivery = db.PushDeliveries.FirstOrDefault(d => d.Id == release.PushDeliveryId),
            })
            .SingleAsync(cancellationToken);
        var delivery = target.Delivery;
        var source = target.ProjectId is { } projectId && target.TokenSecretArn is { } secretArn
            && target.Outputs.GetValueOrDefault(StackOutputs.SoftwareSourceBucket) is { Length: > 0 } bucket
            && target.Outputs.GetValueOrDefault(StackOutputs.SoftwareSourcePrefix) is { Length: > 0 } prefix
            && target.Outputs.GetValueOrDefault(StackOutputs.SoftwareSourceAction) is { Length: > 0 } action
            ? new SourceTarget(bucket, prefix, action, projectId, secretArn)
            : null;

        if (string.IsNullOrEmpty(target.PipelineName) || target.State is not (EnvironmentState.Active or EnvironmentState.Updating)
            || target.HostState is not (HostState.Active or HostState.Updating))
        {
            Fail(release, delivery, $"The environment is {target.State} (host {target.HostState}) and has no pipeline to start.", now);
        }
        else if (source is null)
        {
            Fail(release, delivery, target.TokenSecretArn is null
                ? "The host has no GitLab token to fetch the commit with: add one on the host's page, then retry the release."
                : "The environment's software stack does not say where sources go yet: update the host, then retry the release.", now);
        }
        else
        {
            var baseline = new InfrastructureBaseline(target.Id, target.InfrastructureFolder, target.Baking ? target.BakeCommitId ?? target.InfrastructureCommitId
                : target.InfrastructureCommitId, source.ProjectId, source.TokenSecretArn);
            await StartAsync(db, release, delivery, target.PipelineName, source, baseline, cancellationToken);
        }
        if (release.State == ReleaseState.Failed)
        {
            var environment = await db.HostEnvironments.Include(e => e.Host).SingleAsync(e => e.Id == release.HostEnvironmentId, cancellationToken);
            await PortalNotices.ReleaseFailedAsync(db, release, environment.Host, environment.Kind, release.StateReason ?? "It could not be started.",
                time.GetUtcNow(), cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task StartAsync(PortalDbContext db, Release release, PushDelivery? delivery, string pipelineName, SourceTarget source,
        InfrastructureBaseline baseline, CancellationToken cancellationToken)
    {
        using var activity = ReleaseTelemetry.Source.StartActivity("release.start");
        activity?.SetTag("portal.release.id", release.Id);
        activity?.SetTag("portal.pipeline", pipelineName);
        release.StartAttempts++;
        try
        {
            if (release.SourceVersionId is null)
            {
                var stored = await sources.PutAsync(source, release, cancellationToken);
                release.SourceUploaded(stored.Key, stored.VersionId, time.GetUtcNow());
            }
            var request = new StartPipelineExecutionRequest(pipelineName)
            {
                ClientRequestToken = release.ClientRequestToken,
                Variables = PipelineVariables.For(release),
                SourceRevisions = SourceRevision.S3Object(source.ActionName, release.SourceKey!, release.SourceVersionId!),
            };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);
            var executionId = await pipelines.StartExecutionAsync(request, timeout.Token);
            release.Started(executionId, time.GetUtcNow());
            if (delivery is not null)
            {
                telemetry.Started(delivery.ReceivedAt, time.GetUtcNow());
                delivery.Status = DeliveryStatus.Started;
                delivery.StatusReason = null;
            }
            logger.LogInformation("Release {ReleaseId} started execution {ExecutionId} of pipeline {Pipeline}", release.Id, executionId, pipelineName);
            await infrastructure.RequestBakeIfTouchedAsync(db, baseline, release, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var (reason, retryable) = Describe(e);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, reason);
            var now = time.GetUtcNow();
            if (retryable && release.StartAttempts < options.MaxStartAttempts)
            {
                var delay = options.RetryDelay(release.StartAttempts);
                release.RetryStartAt(now + delay, $"Starting the release failed ({reason}); attempt {release.StartAttempts + 1} of " +
                    $"{options.MaxStartAttempts} in {delay.TotalSeconds:0} s.", now);
                logger.LogWarning("Release {ReleaseId}: starting failed ({Reason}); retrying in {Delay}", release.Id, reason, delay);
            }
            else
            {
                var attempts = release.StartAttempts == 1 ? "" : $" after {release.StartAttempts} attempts";
                Fail(release, delivery, $"Starting the release failed{attempts}: {reason}", now);
                logger.LogWarning(e, "Release {ReleaseId}: starting failed for good", release.Id);
            }
        }
    }

    private static void Fail(Release release, PushDelivery? delivery, string reason, DateTimeOffset now)
    {
        release.FailToStart(reason, now);
        if (delivery is not null)
        {
            delivery.Status = DeliveryStatus.Failed;
            delivery.StatusReason = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
        }
    }

    /// <summary>GitLab's or AWS's own words for the failure, and whether trying again later may succeed.</summary>
    private static (string Reason, bool Retryable) Describe(Exception e) => e switch
    {
        GitLabUnauthorizedException or GitLabForbiddenException =>
            ($"GitLab refused the host's token ({e.Message}); replace the token on the host's page, then retry the release", false),
        GitLabNotFoundException => ($"GitLab has no such commit in the project, or the token cannot see it ({e.Message})", false),
        GitLabException gitlab => (gitlab.Message, gitlab.Retryable),
        AwsException aws => ($"{aws.Code}: {aws.AwsMessage}", aws.RetryLater),
        OperationCanceledException => ("no answer from AWS in time", true),
        HttpRequestException http => ($"AWS could not be reached: {http.Message}", true),
        _ => ($"unexpected error: {e.Message}", true),
    };
}
