using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Releases.Starting;

namespace Portal.Releases.Background;

/// <summary>
/// The background side of the release outbox: <see cref="ReleaseOptions.StartWorkers"/> loops that start accepted pushes
/// and pending releases as soon as they are recorded, here or by another instance (woken by <see cref="ReleaseStartSignal"/>).
/// Idle, only the first loop looks at the database on its own: when the earliest pending retry is due, and otherwise every
/// <see cref="ReleaseOptions.StartPollInterval"/> (a safety poll for a lost notification); a loop that finds work wakes
/// the next one, so a burst is shared. After a crash, pushes and releases left pending are found at start-up.
/// </summary>
public sealed class ReleaseStartDispatcher(ReleaseStarter starter, ReleaseQueue queue, IDbContextFactory<PortalDbContext> contexts,
    ReleaseStartSignal signal, ReleaseOptions options, TimeProvider time, ILogger<ReleaseStartDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan BusyRetryWait = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.StartWorkers).Select(worker => Task.Run(() => WorkAsync(worker == 0, stoppingToken), stoppingToken))
            .Append(Task.Run(() => ReleaseHeldAsync(stoppingToken), stoppingToken)));

    /// <summary>
    /// Every poll interval, accepts the pushes held while their environment was being built once it is Active (the
    /// provisioning side writes the state; this notices it by itself) and wakes the starters when it did.
    /// </summary>
    private async Task ReleaseHeldAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.StartPollInterval);
        try
        {
            do
            {
                try
                {
                    if (await queue.ReleaseHeldAsync(stoppingToken) > 0) signal.Notify();
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(e, "Releasing held pushes failed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WorkAsync(bool polls, CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                var wait = polls ? options.StartPollInterval : Timeout.InfiniteTimeSpan;
                try
                {
                    while (await StartOneAsync(stoppingToken))
                        signal.Notify(); // There may be more: wake another worker to share them.
                    if (polls) wait = await UntilNextRetryAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database is unreachable or similar: the release stays pending and is tried at the next poll.
                    logger.LogError(e, "Starting pending releases failed");
                }
                await signal.WaitAsync(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The portal is stopping; a release being started rolls back and stays pending for the next start-up.
        }
    }

    private Task<bool> StartOneAsync(CancellationToken stoppingToken) => starter.StartNextDueAsync(stoppingToken);

    /// <summary>How long until the earliest retry of a pending release is due, at most the safety poll interval.</summary>
    private async Task<TimeSpan> UntilNextRetryAsync(CancellationToken stoppingToken)
    {
        await using var db = await contexts.CreateDbContextAsync(stoppingToken);
        var next = await db.Releases.Where(r => r.State == ReleaseState.Pending && r.NextStartAttemptAt != null)
            .MinAsync(r => r.NextStartAttemptAt, stoppingToken);
        if (next is not { } at) return options.StartPollInterval;
        // Due already yet not started: another starter holds it (a slow StartPipelineExecution); look again in a while.
        var wait = at - time.GetUtcNow();
        if (wait <= TimeSpan.Zero) wait = BusyRetryWait;
        return wait < options.StartPollInterval ? wait : options.StartPollInterval;
    }
}
