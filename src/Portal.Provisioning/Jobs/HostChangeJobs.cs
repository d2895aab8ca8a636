using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
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

/// <summary>Schedules the next look at a host change's change sets, like <see cref="EnvironmentScheduler"/>.</summary>
public sealed class ChangeScheduler(IBackgroundJobClient jobs, LocalCheckScheduler? local = null)
{
    public void Schedule(Guid changeId, Guid checkId, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero && local is not null)
            local.Schedule(delay, (services, cancellationToken) =>
                services.GetRequiredService<ChangePreviewer>().StepAsync(changeId, checkId, cancellationToken));
        else if (delay > TimeSpan.Zero)
            jobs.Schedule<HostChangeJobs>(j => j.PrepareAsync(changeId, checkId, CancellationToken.None), delay);
        else
            jobs.Enqueue<HostChangeJobs>(j => j.PrepareAsync(changeId, checkId, CancellationToken.None));
    }
}
