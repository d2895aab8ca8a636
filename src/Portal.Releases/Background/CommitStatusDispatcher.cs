using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Notifications;
using Portal.Releases.Reporting;

namespace Portal.Releases.Background;

/// <summary>Wakes <see cref="CommitStatusDispatcher"/> when a release changes (<see cref="LiveNotify.Release"/>, from any instance).</summary>
public sealed class CommitStatusSignal() : WakeSignal(LiveNotify.Channel, LiveNotify.Release)
{
    protected override bool Wakes(string notified) => LiveNotify.TryParse(notified, out var notice) && notice.Kind == LiveNotify.Release;
}

/// <summary>
/// Reports releases' states to GitLab (<see cref="CommitStatusReporter"/>) when a release changed, at most once per
/// <see cref="ReleaseOptions.StatusReportInterval"/>; idle, it looks on its own only every
/// <see cref="ReleaseOptions.StatusReportIdlePollInterval"/> (a lost notification, reports GitLab held back).
/// </summary>
public sealed class CommitStatusDispatcher(CommitStatusReporter reporter, CommitStatusSignal signal, ReleaseOptions options, TimeProvider time,
    ILogger<CommitStatusDispatcher> logger) : BackgroundService
{
    private const int FullBatch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                var reported = 0;
                try
                {
                    reported = await reporter.ReportDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(e, "Reporting commit statuses failed; trying again in {Interval}", options.StatusReportIdlePollInterval);
                }
                await Task.Delay(options.StatusReportInterval, time, stoppingToken);
                // A full batch may have left more behind: go on without waiting for a wake.
                if (reported < FullBatch) await signal.WaitAsync(options.StatusReportIdlePollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
