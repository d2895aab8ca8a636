using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portal.Provisioning.Background;

/// <summary>
/// Runs the job server's follow-up looks at running stacks and change sets: in memory, on time, many at once, without
/// the dozen job-storage writes a Hangfire job costs. Kick-offs stay Hangfire jobs. What this holds is also recorded in
/// the database (NextCheckAt / ScheduledCheckId), so a look lost with the process is resumed by the reconciler.
/// </summary>
public sealed class LocalCheckScheduler(IServiceScopeFactory scopes, ProvisioningOptions options, TimeProvider clock, ILogger<LocalCheckScheduler> logger)
    : BackgroundService
{
    private readonly PriorityQueue<Func<IServiceProvider, CancellationToken, Task>, DateTimeOffset> due = new();
    private readonly SemaphoreSlim wake = new(0);
    private readonly Lock gate = new();

    public void Schedule(TimeSpan delay, Func<IServiceProvider, CancellationToken, Task> look)
    {
        lock (gate) due.Enqueue(look, clock.GetUtcNow() + delay);
        wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var running = new SemaphoreSlim(options.MaxConcurrentLooks);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = NextWait(out var ready);
            foreach (var look in ready)
            {
                await running.WaitAsync(stoppingToken);
                _ = RunAsync(look, running, stoppingToken);
            }
            if (ready.Count == 0)
            {
                try
                {
                    await wake.WaitAsync(wait, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private TimeSpan NextWait(out List<Func<IServiceProvider, CancellationToken, Task>> ready)
    {
        ready = [];
        var now = clock.GetUtcNow();
        lock (gate)
        {
            while (due.TryPeek(out _, out var at) && at <= now) ready.Add(due.Dequeue());
            return due.TryPeek(out _, out var next) ? next - now : Timeout.InfiniteTimeSpan;
        }
    }

    private async Task RunAsync(Func<IServiceProvider, CancellationToken, Task> look, SemaphoreSlim running, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await look(scope.ServiceProvider, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The look's check stays recorded in the database: the reconciler resumes it once it is overdue.
            logger.LogError(e, "A scheduled look failed; the reconciler will resume it.");
        }
        finally
        {
            running.Release();
        }
    }
}

