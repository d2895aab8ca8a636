using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;

namespace Portal.Provisioning.Releases;

/// <summary>
/// Starts the pipeline execution of one pending release, or else of the oldest accepted push, whose release it makes
/// (<see cref="ReleaseQueue"/>) in the same transaction. The row is locked (FOR UPDATE SKIP LOCKED) for the duration of
/// the call, so two starters never take the same release, and a starter that dies releases it with its connection. The
/// clientRequestToken makes the start exactly-once at AWS: a release started again after a crash, a timeout or a lost
/// answer gets the execution AWS already started, never a second one.
/// </summary>
public sealed class ReleaseStarter(PortalDbContext db, ReleaseQueue queue, IPipelines pipelines, ReleaseOptions options, TimeProvider time,
    ILogger<ReleaseStarter> logger)
{
    /// <summary>AWS codes that mean "not now" rather than "never": the pipeline is busy or too many executions run.</summary>
    private static readonly HashSet<string> RetryableCodes =
        ["ConflictException", "ConcurrentPipelineExecutionsLimitExceededException", "LimitExceededException", "ThrottlingException", "Throttling"];

    /// <summary>Starts the oldest release that is due, else the oldest accepted push, if any. Returns false when none was due.</summary>
    public async Task<bool> StartNextDueAsync(CancellationToken cancellationToken)
    {
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
        var release = due.SingleOrDefault() ?? (await queue.TakeAsync(1, cancellationToken)).SingleOrDefault();
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
                e.PipelineName,
                e.State,
                HostState = e.Host.State,
                Delivery = db.PushDeliveries.FirstOrDefault(d => d.Id == release.PushDeliveryId),
            })
            .SingleAsync(cancellationToken);
        var delivery = target.Delivery;

        if (string.IsNullOrEmpty(target.PipelineName) || target.State is not (EnvironmentState.Active or EnvironmentState.Updating)
            || target.HostState is not (HostState.Active or HostState.Updating))
        {
            Fail(release, delivery, $"The environment is {target.State} (host {target.HostState}) and has no pipeline to start.", now);
        }
        else
        {
            await StartAsync(release, delivery, target.PipelineName, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task StartAsync(Release release, PushDelivery? delivery, string pipelineName, CancellationToken cancellationToken)
    {
        release.StartAttempts++;
        var request = new StartPipelineExecutionRequest(pipelineName)
        {
            ClientRequestToken = release.ClientRequestToken,
            Variables = PipelineVariables.For(release),
        };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);
            var executionId = await pipelines.StartExecutionAsync(request, timeout.Token);
            var now = time.GetUtcNow();
            release.PipelineExecutionId = executionId;
            release.State = ReleaseState.InProgress;
            release.StateReason = null;
            release.NextStartAttemptAt = null;
            release.UpdatedAt = now;
            if (delivery is not null)
            {
                delivery.Status = DeliveryStatus.Started;
                delivery.StatusReason = null;
            }
            logger.LogInformation("Release {ReleaseId} started execution {ExecutionId} of pipeline {Pipeline}", release.Id, executionId, pipelineName);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var (reason, retryable) = Describe(e);
            var now = time.GetUtcNow();
            if (retryable && release.StartAttempts < options.MaxStartAttempts)
            {
                var delay = options.RetryDelay(release.StartAttempts);
                release.NextStartAttemptAt = now + delay;
                release.StateReason = Clip($"Starting the pipeline failed ({reason}); attempt {release.StartAttempts + 1} of {options.MaxStartAttempts} " +
                    $"in {delay.TotalSeconds:0} s.");
                release.UpdatedAt = now;
                logger.LogWarning("Release {ReleaseId}: StartPipelineExecution failed ({Reason}); retrying in {Delay}", release.Id, reason, delay);
            }
            else
            {
                var attempts = release.StartAttempts == 1 ? "" : $" after {release.StartAttempts} attempts";
                Fail(release, delivery, $"Starting the pipeline failed{attempts}: {reason}", now);
                logger.LogWarning(e, "Release {ReleaseId}: StartPipelineExecution failed for good", release.Id);
            }
        }
    }

    private static void Fail(Release release, PushDelivery? delivery, string reason, DateTimeOffset now)
    {
        release.State = ReleaseState.Failed;
        release.StateReason = Clip(reason);
        release.NextStartAttemptAt = null;
        release.UpdatedAt = now;
        if (delivery is not null)
        {
            delivery.Status = DeliveryStatus.Failed;
            delivery.StatusReason = Clip(reason);
        }
    }

    /// <summary>AWS's own words for the failure, and whether trying again later may succeed.</summary>
    private static (string Reason, bool Retryable) Describe(Exception e) => e switch
    {
        AwsException aws => ($"{aws.Code}: {aws.AwsMessage}", aws.Retryable || RetryableCodes.Contains(aws.Code)),
        OperationCanceledException => ("no answer from AWS in time", true),
        HttpRequestException http => ($"AWS could not be reached: {http.Message}", true),
        _ => ($"unexpected error: {e.Message}", true),
    };

    private static string Clip(string text) => text.Length <= 2000 ? text : text[..2000];
}
