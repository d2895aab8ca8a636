using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Provisioning.Releases;

namespace Portal.Provisioning.Jobs;

/// <summary>
/// The background side of the release outbox: <see cref="ReleaseOptions.StartWorkers"/> loops that start accepted pushes
/// and pending releases as soon as a push is recorded (woken by <see cref="ReleaseStartSignal"/>) and otherwise every
/// <see cref="ReleaseOptions.StartPollInterval"/>, which also picks up pushes and releases left by a crash or recorded by
/// another instance, and retries that are due.
/// </summary>
public sealed class ReleaseStartDispatcher(IServiceScopeFactory scopes, ReleaseStartSignal signal, ReleaseOptions options,
    ILogger<ReleaseStartDispatcher> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.StartWorkers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                try
                {
                    while (await StartOneAsync(stoppingToken))
                        signal.Notify(); // There may be more: wake another worker to share them.
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database is unreachable or similar: the release stays pending and is tried at the next poll.
                    logger.LogError(e, "Starting pending releases failed");
                }
                await signal.WaitAsync(options.StartPollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The portal is stopping; a release being started rolls back and stays pending for the next start-up.
        }
    }

    private async Task<bool> StartOneAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReleaseStarter>().StartNextDueAsync(stoppingToken);
    }
}
