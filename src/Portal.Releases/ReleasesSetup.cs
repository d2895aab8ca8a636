using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Aws.CodePipeline;
using Portal.Data.Notifications;
using Portal.Releases.Approvals;
using Portal.Releases.Background;
using Portal.Releases.Reporting;
using Portal.Releases.Sources;
using Portal.Releases.Starting;
using Portal.Releases.Sync;
using Portal.Releases.Webhooks;

namespace Portal.Releases;

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
        services.AddSingleton<ReleaseTelemetry>();
        services.AddSingleton<RejectedTokenAudit>();
        services.AddPortalNotifications(connectionString);
        services.AddSingleton<WebhookThrottle>();
        services.AddSingleton<WebhookSigningKeys>();
        services.AddSingleton<WebhookSigningTokens>();
        services.AddSingleton<WebhookDeliveryLog>();
        services.AddSingleton<ReleaseStartSignal>();
        services.AddSingleton<INotificationSubscriber>(provider => provider.GetRequiredService<ReleaseStartSignal>());
        // The webhook's statements leave no session state behind (no SET, temp tables or locks), so a connection going back
        // to the pool needs no reset: skipping it saves Postgres a round of RESET/UNLISTEN/unlock work per push.
        services.AddSingleton(_ => new WebhookDataSource(NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString)));
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookRoutes>();
        services.AddSingleton<INotificationSubscriber>(provider => provider.GetRequiredService<WebhookRoutes>());
        services.AddSingleton<PushWebhookService>();
        services.AddSingleton<ReleaseActions>();
        services.AddSingleton<ReleaseQueries>();
        services.AddSingleton<ReleaseDetailsReader>();
        services.AddSingleton<BuildLogs>();
        return services;
    }

    /// <summary>
    /// Starting pipelines and following their executions; needs the CodePipeline client (<see cref="IPipelines"/>).
    /// The starters and the state sync run only when <paramref name="runsBackgroundWork"/> (the instance runs the job server).
    /// </summary>
    public static IServiceCollection AddPortalReleaseJobs(this IServiceCollection services, IConfiguration configuration, bool runsBackgroundWork)
    {
        var releases = configuration.GetSection(ReleaseOptions.Section).Get<ReleaseOptions>() ?? new ReleaseOptions();

        services.AddSingleton<ReleaseQueue>();
        services.AddSingleton<ReleaseSources>();
        services.AddSingleton<InfrastructureChanges>();
        services.AddSingleton<ReleaseStarter>();
        services.AddSingleton<CommitStatusReporter>();
        services.AddSingleton<ReleaseStateSync>();
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<ApprovalSettings>();
        services.AddSingleton<PendingApprovals>();
        services.AddSingleton<GitLabAccountLink>();
        if (runsBackgroundWork)
        {
            if (releases.StartWorkers > 0) services.AddHostedService<ReleaseStartDispatcher>();
            services.AddSingleton<CommitStatusSignal>();
            services.AddSingleton<INotificationSubscriber>(provider => provider.GetRequiredService<CommitStatusSignal>());
            services.AddHostedService<CommitStatusDispatcher>();
            services.AddSingleton<ReleaseSyncSignal>();
            services.AddSingleton<INotificationSubscriber>(provider => provider.GetRequiredService<ReleaseSyncSignal>());
            services.AddSingleton<ReleaseStateSyncLoop>();
            services.AddHostedService(provider => provider.GetRequiredService<ReleaseStateSyncLoop>());
        }
        return services;
    }
}
