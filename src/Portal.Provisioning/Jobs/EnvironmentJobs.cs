using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Jobs;

/// <summary>The Hangfire job that drives a host environment's operation (provision, update, decommission) one step at a time.</summary>
public sealed class EnvironmentJobs(EnvironmentStepRunner runner)
{
    // AWS trouble is handled inside the step (it waits and looks again); Hangfire's retries are for the unexpected.
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [5, 15, 30])]
    [DisplayName("Advance host environment {0}")]
    public Task AdvanceAsync(Guid environmentId, Guid checkId, CancellationToken cancellationToken) =>
        runner.AdvanceAsync(environmentId, checkId, cancellationToken);
}

/// <summary>
/// Schedules the next look at a host environment: a kick-off (no delay) as a Hangfire job, which any job server may
/// take; a follow-up on the job server that ran the step before, in memory (<see cref="LocalCheckScheduler"/>).
/// </summary>
public sealed class EnvironmentScheduler(IBackgroundJobClient jobs, LocalCheckScheduler? local = null)
{
    public void Schedule(Guid environmentId, Guid checkId, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero && local is not null)
            local.Schedule(delay, (services, cancellationToken) =>
                services.GetRequiredService<EnvironmentStepRunner>().AdvanceAsync(environmentId, checkId, cancellationToken));
        else if (delay > TimeSpan.Zero)
            jobs.Schedule<EnvironmentJobs>(j => j.AdvanceAsync(environmentId, checkId, CancellationToken.None), delay);
        else
            jobs.Enqueue<EnvironmentJobs>(j => j.AdvanceAsync(environmentId, checkId, CancellationToken.None));
    }
}
