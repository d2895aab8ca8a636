using Hangfire.States;
using Hangfire.Storage;
using Portal.Data;
using Portal.Data.Notifications;

namespace Portal.Web.Jobs;

/// <summary>
/// Tells the operators' open overview (<see cref="LiveNotify.Jobs"/>) that a background job failed for good. Hangfire's
/// tables have no trigger of ours, so the job server says it; a filter runs before Hangfire commits the state, so the
/// notice goes out a moment later, once the failure can be read.
/// </summary>
public sealed class FailedJobNotice(NotificationSender sender) : IApplyStateFilter
{
    private static readonly TimeSpan AfterCommit = TimeSpan.FromSeconds(1);

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState is not FailedState) return;
        _ = Task.Delay(AfterCommit).ContinueWith(_ => sender.Send(LiveNotify.Channel, $"{LiveNotify.Jobs} {LiveNotify.Everything}"),
            TaskScheduler.Default);
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
