using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Aws;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Mail;
using Portal.Provisioning.Background;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Environments;

/// <summary>
/// Runs one step of whatever operation a host environment is in, records the outcome and schedules the next look.
/// Only the check the environment is waiting for may run; a stale or concurrent one stops at once.
/// </summary>
public sealed class EnvironmentStepRunner(
    IDbContextFactory<PortalDbContext> contexts,
    EnvironmentLock environmentLock,
    EnvironmentProvisioner provisioner,
    EnvironmentDecommissioner decommissioner,
    EnvironmentUpdater updater,
    CheckScheduler scheduler,
    HostStates hostStates,
    Images.BakeTriggers bakes,
    ProvisioningOptions options,
    TimeProvider clock,
    ILogger<EnvironmentStepRunner> logger)
{
    public async Task AdvanceAsync(Guid environmentId, Guid checkId, CancellationToken cancellationToken)
    {
        await using var held = await environmentLock.TryAcquireAsync(environmentId, cancellationToken);
        if (held is null)
        {
            // Another step still runs. If it was superseded (the reconciler resumed this environment), its save will
            // fail and this check is the one that must go on: look again shortly; a stale check ends there.
            scheduler.ScheduleEnvironmentStep(environmentId, checkId, options.MinCheckInterval);
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var environment = await db.HostEnvironments
            .Include(e => e.Host).ThenInclude(h => h.Customer)
            .Include(e => e.Host).ThenInclude(h => h.Environments)
            .FirstOrDefaultAsync(e => e.Id == environmentId, cancellationToken);
        if (environment is null || environment.ScheduledCheckId != checkId) return;

        using var activity = ProvisioningTelemetry.Source.StartActivity("provisioning.step");
        activity?.SetTag("portal.environment.id", environmentId);
        activity?.SetTag("portal.environment.operation", environment.Operation.ToString());
        var result = await StepAsync(db, environment, cancellationToken);
        activity?.SetTag("portal.step.result", result.Kind.ToString());
        var operation = environment.Operation;
        var next = Record(db, environment, result);
        if (result.Kind == StepResultKind.Failed && environment.State == EnvironmentState.Failed)
            await PortalNotices.EnvironmentFailedAsync(db, environment, environment.Host, operation, environment.StateReason ?? "No reason was given.",
                clock.GetUtcNow(), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone (a retry, a decommission) changed the environment meanwhile; they scheduled their own check.
            logger.LogInformation("Environment {EnvironmentId} changed during a step; this check stops.", environmentId);
            return;
        }
        if (next is { } check) scheduler.ScheduleEnvironmentStep(environmentId, check.Id, check.Delay);
        if (result.Kind != StepResultKind.Waiting) await hostStates.RefreshAsync(db, environment.Host, cancellationToken);
    }

    private async Task<StepResult> StepAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        try
        {
            return environment.Operation switch
            {
                EnvironmentOperation.Provision => await provisioner.StepAsync(db, environment, cancellationToken),
                EnvironmentOperation.Decommission => await decommissioner.StepAsync(db, environment, cancellationToken),
                EnvironmentOperation.Update => await updater.StepAsync(db, environment, cancellationToken),
                _ => StepResult.Finished,
            };
        }
        catch (AwsException e) when (e.Retryable)
        {
            logger.LogWarning("AWS unavailable for environment {EnvironmentId}: {Code} {Message}", environment.Id, e.Code, e.AwsMessage);
            return StepResult.Unavailable(options.UnavailableRetryDelay);
        }
        catch (AwsException e)
        {
            return StepResult.Failed($"AWS refused {e.Service}: {e.Code}: {e.AwsMessage}");
        }
        catch (Exception e) when (e is PolicyViolationException or ProvisioningRefusedException)
        {
            return StepResult.Failed(e.Message);
        }
    }

    private (Guid Id, TimeSpan Delay)? Record(PortalDbContext db, HostEnvironment environment, StepResult result)
    {
        var now = clock.GetUtcNow();
        var operation = environment.Operation;
        switch (result.Kind)
        {
            case StepResultKind.Waiting:
                var delay = result.RetryAfter ?? NextDelay(result.RunningSince ?? environment.OperationStartedAt ?? now, now);
                return (environment.ScheduleCheck(now + delay, now), delay);
            case StepResultKind.Finished when operation == EnvironmentOperation.None:
                return null; // A stale check of an environment already settled.
            case StepResultKind.Finished:
                environment.Finish(now);
                bakes.AfterFinished(environment, operation);
                db.Record(Actor.System, AuditActions.EnvironmentSettled(operation), $"{EnvironmentNames.Of(environment.Kind)} is {environment.State}.",
                    environment.Host.CustomerId, environment.HostId);
                return null;
            default:
                environment.Fail(result.FailureReason ?? "The operation failed without a reason.", now);
                db.Record(Actor.System, AuditActions.EnvironmentFailed(operation), environment.StateReason,
                    environment.Host.CustomerId, environment.HostId);
                return null;
        }
    }

    /// <summary>Looks grow further apart as a stack operation ages: a fraction of its age, within the configured bounds.</summary>
    private TimeSpan NextDelay(DateTimeOffset since, DateTimeOffset now)
    {
        var age = now - since;
        var delay = TimeSpan.FromTicks((long)(age.Ticks * options.CheckBackoffFactor));
        return delay < options.MinCheckInterval ? options.MinCheckInterval
            : delay > options.MaxCheckInterval ? options.MaxCheckInterval
            : delay;
    }
}
