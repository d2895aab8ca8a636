using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Provisioning.GitLab;
using Portal.Provisioning.Images;

namespace Portal.Provisioning.Background;

/// <summary>
/// Runs a piece of background work every <see cref="ProvisioningOptions.ReconcileInterval"/> beside the job server, again
/// at once while it finds more to do. What it works on is recorded in the database, so a lost round costs only latency.
/// </summary>
public abstract class PeriodicWork(ProvisioningOptions options, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>One round; true when it found work (so there may be more).</summary>
    protected abstract Task<bool> RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ReconcileInterval, clock);
        do
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) && !stoppingToken.IsCancellationRequested)
                {
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "{Work} failed; trying again in {Interval}.", GetType().Name, options.ReconcileInterval);
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>Keeps GitLab's project hooks in step with the hosts (<see cref="GitLabHookSync"/>).</summary>
public sealed class GitLabHookSyncLoop(GitLabHookSync sync, ProvisioningOptions options, TimeProvider clock, ILogger<GitLabHookSyncLoop> logger)
    : PeriodicWork(options, clock, logger)
{
    protected override async Task<bool> RunOnceAsync(CancellationToken cancellationToken) =>
        await sync.SyncDueAsync(cancellationToken) >= GitLabHookSync.BatchSize;
}

/// <summary>Starts, follows and rolls out the host images' bakes (<see cref="AmiBakes"/>).</summary>
public sealed class AmiBakeLoop(AmiBakes bakes, ProvisioningOptions options, TimeProvider clock, ILogger<AmiBakeLoop> logger)
    : PeriodicWork(options, clock, logger)
{
    protected override Task<bool> RunOnceAsync(CancellationToken cancellationToken) => bakes.StepAllAsync(cancellationToken);

}
