using System.ComponentModel;
using System.Linq.Expressions;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Environments;

namespace Portal.Provisioning.Background;

/// <summary>
/// The Hangfire jobs that kick off provisioning work: a step of a host environment's operation (provision, update,
/// decommission) and a step of preparing a host change's preview. AWS trouble is handled inside a step (it waits and
/// looks again); Hangfire's retries are for the unexpected.
/// </summary>
public sealed class ProvisioningJobs(EnvironmentStepRunner environments, ChangePreviewer changes)
{
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [5, 15, 30])]
    [DisplayName("Advance host environment {0}")]
    public Task AdvanceEnvironmentAsync(Guid environmentId, Guid checkId, CancellationToken cancellationToken) =>
        environments.AdvanceAsync(environmentId, checkId, cancellationToken);

    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [5, 15, 30])]
    [DisplayName("Prepare host change {0}")]
    public Task PrepareChangeAsync(Guid changeId, Guid checkId, CancellationToken cancellationToken) =>
        changes.StepAsync(changeId, checkId, cancellationToken);
}

/// <summary>
/// Schedules the next look at an environment's operation or a change's preview: a kick-off (no delay) as a Hangfire
/// job, which any job server may take; a follow-up on the job server that ran the step before, in memory
/// (<see cref="LocalCheckScheduler"/>), or as a delayed Hangfire job where this process runs no job server.
/// </summary>
public sealed class CheckScheduler(IBackgroundJobClient jobs, LocalCheckScheduler? local = null)
{
    public void ScheduleEnvironmentStep(Guid environmentId, Guid checkId, TimeSpan delay) =>
        Schedule(j => j.AdvanceEnvironmentAsync(environmentId, checkId, CancellationToken.None), delay);

    public void ScheduleChangePreview(Guid changeId, Guid checkId, TimeSpan delay) =>
        Schedule(j => j.PrepareChangeAsync(changeId, checkId, CancellationToken.None), delay);

    private void Schedule(Expression<Func<ProvisioningJobs, Task>> step, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
            jobs.Enqueue(step);
        else if (local is not null)
        {
            var run = step.Compile();
            local.Schedule(delay, (services, _) => run(services.GetRequiredService<ProvisioningJobs>()));
        }
        else
            jobs.Schedule(step, delay);
    }
}
