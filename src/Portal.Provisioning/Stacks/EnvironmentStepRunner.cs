using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;
using Portal.Provisioning.Jobs;
using Portal.Provisioning.Policy;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Runs one step of whatever operation a host environment is in, records the outcome and schedules the next look.
/// Only the check the environment is waiting for may run; a stale or concurrent one stops at once.
/// </summary>
public sealed class EnvironmentStepRunner(
    PortalDbContext db,
    EnvironmentLock environmentLock,
    EnvironmentProvisioner provisioner,
    EnvironmentDecommissioner decommissioner,
    EnvironmentUpdater updater,
    CheckScheduler scheduler,
    HostStates hostStates,
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

        var environment = await db.HostEnvironments
            .Include(e => e.Host).ThenInclude(h => h.Customer)
            .Include(e => e.Host).ThenInclude(h => h.Environments)
            .FirstOrDefaultAsync(e => e.Id == environmentId, cancellationToken);
        if (environment is null || environment.ScheduledCheckId != checkId) return;

        var result = await StepAsync(environment, cancellationToken);
        var next = Record(environment, result);
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
        if (result.Kind != StepResultKind.Waiting) await hostStates.RefreshAsync(environment.Host, cancellationToken);
    }

    private async Task<StepResult> StepAsync(HostEnvironment environment, CancellationToken cancellationToken)
    {
        try
        {
            return environment.Operation switch
            {
                EnvironmentOperation.Provision => await provisioner.StepAsync(environment, cancellationToken),
                EnvironmentOperation.Decommission => await decommissioner.StepAsync(environment, cancellationToken),
                EnvironmentOperation.Update => await updater.StepAsync(environment, cancellationToken),
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

    private (Guid Id, TimeSpan Delay)? Record(HostEnvironment environment, StepResult result)
    {
        var now = clock.GetUtcNow();
        environment.UpdatedAt = now;
        (Guid, TimeSpan)? next = null;
        switch (result.Kind)
        {
            case StepResultKind.Waiting:
                var delay = result.RetryAfter ?? NextDelay(result.RunningSince ?? environment.OperationStartedAt ?? now, now);
                next = (Guid.NewGuid(), delay);
                environment.ScheduledCheckId = next.Value.Item1;
                environment.NextCheckAt = now + delay;
                break;
            case StepResultKind.Finished:
                var operation = environment.Operation;
                environment.State = operation == EnvironmentOperation.Decommission ? EnvironmentState.Decommissioned : EnvironmentState.Active;
                environment.StateReason = null;
                Settle(environment);
                environment.Operation = EnvironmentOperation.None;
                db.Record(Actor.System, $"environment.{Past(operation)}", $"{environment.Kind} is {environment.State}.",
                    environment.Host.CustomerId, environment.HostId);
                break;
            case StepResultKind.Failed:
                environment.State = EnvironmentState.Failed;
                environment.StateReason = result.FailureReason is { Length: > 2000 } long_ ? long_[..1997] + "..." : result.FailureReason;
                Settle(environment);
                db.Record(Actor.System, $"environment.{environment.Operation.ToString().ToLowerInvariant()}-failed", environment.StateReason,
                    environment.Host.CustomerId, environment.HostId);
                break;
        }
        return next;
    }

    private static void Settle(HostEnvironment environment)
    {
        environment.ScheduledCheckId = null;
        environment.NextCheckAt = null;
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

    private static string Past(EnvironmentOperation operation) => operation switch
    {
        EnvironmentOperation.Provision => "provisioned",
        EnvironmentOperation.Update => "updated",
        EnvironmentOperation.Decommission => "decommissioned",
        _ => "settled",
    };
}
