using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Portal.Provisioning.Jobs;
using Portal.Provisioning.Webhooks;

namespace Portal.Provisioning.Releases;

public static class ReleasesSetup
{
    /// <summary>Recording pushes (the GitLab webhook service) and retrying releases: every portal instance does these.</summary>
    public static IServiceCollection AddPortalReleases(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var webhooks = configuration.GetSection(GitLabWebhookOptions.Section).Get<GitLabWebhookOptions>() ?? new GitLabWebhookOptions();
        webhooks.Validate();
        var releases = configuration.GetSection(ReleaseOptions.Section).Get<ReleaseOptions>() ?? new ReleaseOptions();
        releases.Validate();

        services.AddSingleton(webhooks);
        services.AddSingleton(releases);
        services.AddSingleton<RejectedTokenAudit>();
        services.AddSingleton<ReleaseStartSignal>();
        // The webhook's statements leave no session state behind (no SET, temp tables or locks), so a connection going back
        // to the pool needs no reset: skipping it saves Postgres a round of RESET/UNLISTEN/unlock work per push.
        services.AddSingleton(_ => new WebhookDataSource(NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString)));
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookRoutes>();
        services.AddSingleton(new WebhookListenerConnection(connectionString));
        services.AddHostedService<WebhookRoutesListener>();
        services.AddSingleton<PushWebhookService>();
        services.AddScoped<ReleaseService>();
        return services;
    }

    /// <summary>
    /// Starting pipelines and following their executions; needs the CodePipeline client (<see cref="Aws.IPipelines"/>).
    /// The starters and the recurring sync run only in instances that run the job server (Jobs:RunServer).
    /// </summary>
    public static IServiceCollection AddPortalReleaseJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var releases = configuration.GetSection(ReleaseOptions.Section).Get<ReleaseOptions>() ?? new ReleaseOptions();
        var jobs = configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();

        services.AddScoped<ReleaseQueue>();
        services.AddScoped<ReleaseStarter>();
        services.AddScoped<ReleaseStateSync>();
        services.AddScoped<ReleaseStateSyncJob>();
        if (jobs.RunServer)
        {
            if (releases.StartWorkers > 0) services.AddHostedService<ReleaseStartDispatcher>();
            services.AddHostedService<ReleaseJobsRegistration>();
        }
        return services;
    }
}

/// <summary>
/// Registers (or updates) the recurring pipeline state sync when the portal starts. In the background, trying again
/// until it succeeds: a portal killed while holding Hangfire's lock on the recurring job leaves the lock until it expires
/// (Jobs:DistributedLockTimeout), and that must delay the registration, not stop the restarted portal from starting.
/// </summary>
internal sealed class ReleaseJobsRegistration(IRecurringJobManager recurringJobs, ReleaseOptions options, ILogger<ReleaseJobsRegistration> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Run(() => recurringJobs.AddOrUpdate<ReleaseStateSyncJob>(ReleaseStateSyncJob.RecurringJobId,
                    job => job.RunAsync(CancellationToken.None), $"*/{options.SyncIntervalSeconds} * * * * *"), stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Registering the recurring job {JobId} failed; trying again in {Delay}.", ReleaseStateSyncJob.RecurringJobId, RetryDelay);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }
}
