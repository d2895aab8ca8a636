using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Portal.Web.Health;

/// <summary>
/// Settings "Portal:Shutdown": on SIGTERM the instance first answers <c>/health/ready</c> with 503 for
/// <see cref="DrainDelay"/> while still serving (so the load balancer takes it out of rotation), then stops taking
/// connections and lets the requests in flight finish, all within <see cref="Timeout"/> (HostOptions.ShutdownTimeout).
/// </summary>
public sealed class ShutdownOptions
{
    public const string Section = "Portal:Shutdown";

    /// <summary>How long readiness answers 503 before the instance stops taking requests (a load balancer's probe interval or two).</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The whole shutdown, drain included: what is still running after it is abandoned.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(35);

    public void Validate()
    {
        if (DrainDelay < TimeSpan.Zero) throw new InvalidOperationException($"{Section}:{nameof(DrainDelay)} must not be negative.");
        if (Timeout <= DrainDelay)
            throw new InvalidOperationException($"{Section}:{nameof(Timeout)} must be longer than {nameof(DrainDelay)}, to leave time for requests in flight.");
    }
}

/// <summary>
/// Runs first when the host stops (<see cref="IHostedLifecycleService.StoppingAsync"/>, before any service or the web
/// server stops): readiness turns false and the instance keeps serving for the drain delay. Kestrel then stops
/// accepting and waits for the requests in flight, background loops finish their round.
/// </summary>
public sealed class ShutdownDrain(ShutdownOptions options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService, IHealthCheck
{
    private volatile bool draining;

    public bool Draining => draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        draining = true;
        logger.LogInformation("Stopping: readiness is false; serving for {Delay} more before refusing connections.", options.DrainDelay);
        try
        {
            await Task.Delay(options.DrainDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout passed: go on stopping.
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(draining ? HealthCheckResult.Unhealthy("The instance is shutting down.") : HealthCheckResult.Healthy("Serving."));

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class GracefulShutdownSetup
{
    /// <summary>The drain on stop, its readiness check ("ready" tag) and the host's shutdown timeout.</summary>
    public static IHealthChecksBuilder AddPortalGracefulShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ShutdownOptions.Section).Get<ShutdownOptions>() ?? new ShutdownOptions();
        options.Validate();
        services.AddSingleton(options);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.Timeout);
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(provider => provider.GetRequiredService<ShutdownDrain>());
        return services.AddHealthChecks().AddCheck<ShutdownDrain>("serving", tags: ["ready"]);
    }
}
