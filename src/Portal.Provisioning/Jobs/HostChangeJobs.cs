using System.ComponentModel;
using Hangfire;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Jobs;

/// <summary>The Hangfire job that prepares a host change's preview (its change sets), one look at a time.</summary>
public sealed class HostChangeJobs(ChangePreviewer previewer)
{
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [5, 15, 30])]
    [DisplayName("Prepare host change {0}")]
    public Task PrepareAsync(Guid changeId, Guid checkId, CancellationToken cancellationToken) =>
        previewer.StepAsync(changeId, checkId, cancellationToken);
}

/// <summary>Schedules the next look at a host change's change sets as a Hangfire job.</summary>
public sealed class ChangeScheduler(IBackgroundJobClient jobs)
{
    public void Schedule(Guid changeId, Guid checkId, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
            jobs.Enqueue<HostChangeJobs>(j => j.PrepareAsync(changeId, checkId, CancellationToken.None));
        else
            jobs.Schedule<HostChangeJobs>(j => j.PrepareAsync(changeId, checkId, CancellationToken.None), delay);
    }
}
