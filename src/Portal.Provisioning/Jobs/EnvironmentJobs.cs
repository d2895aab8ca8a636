using System.ComponentModel;
using Hangfire;
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

/// <summary>Schedules the next look at a host environment as a Hangfire job.</summary>
public sealed class EnvironmentScheduler(IBackgroundJobClient jobs)
{
    public void Schedule(Guid environmentId, Guid checkId, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
            jobs.Enqueue<EnvironmentJobs>(j => j.AdvanceAsync(environmentId, checkId, CancellationToken.None));
        else
            jobs.Schedule<EnvironmentJobs>(j => j.AdvanceAsync(environmentId, checkId, CancellationToken.None), delay);
    }
}
