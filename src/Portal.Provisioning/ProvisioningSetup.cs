using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Notifications;
using Portal.Provisioning.Background;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Environments;
using Portal.Provisioning.GitLab;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Images;
using Portal.Provisioning.Stacks;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning;

public static class ProvisioningSetup
{
    /// <summary>
    /// Templates, the stack drivers, host operations and, when <paramref name="runsBackgroundWork"/> (this process runs the
    /// job server), the reconciler and the in-memory check scheduler. Needs the AWS clients.
    /// </summary>
    public static IServiceCollection AddPortalProvisioning(this IServiceCollection services, IConfiguration configuration, bool runsBackgroundWork)
    {
        var options = configuration.GetSection(ProvisioningOptions.Section).Get<ProvisioningOptions>() ?? new ProvisioningOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddPortalTemplates(configuration);
        // Singletons: each operation takes a short-lived DbContext from the factory and hands it down.
        services.AddSingleton<EnvironmentLock>();
        services.AddSingleton<StackEventCopier>();
        services.AddSingleton<StackDriver>();
        services.AddSingleton<ListenerPriorityAllocator>();
        services.AddSingleton<ListenerRulePriorities>();
        services.AddSingleton<ListenerCapacity>();
        services.AddSingleton<Hosts.HostDnsRecords>();
        services.AddSingleton<EnvironmentProvisioner>();
        services.AddSingleton<EnvironmentDecommissioner>();
        services.AddSingleton<EnvironmentUpdater>();
        services.AddSingleton<ChangePreviewer>();
        services.AddSingleton<HostChanges>();
        services.AddSingleton<ProvisioningTelemetry>();
        services.AddSingleton<HostStates>();
        services.AddSingleton<EnvironmentStepRunner>();
        services.AddSingleton<CheckScheduler>();
        services.AddSingleton<HostOperations>();
        services.AddSingleton<ProvisioningJobs>();
        services.AddSingleton<BakeTriggers>();
        services.AddSingleton<BakeSources>();
        services.AddSingleton<AmiManifest>();
        services.AddSingleton<AmiBakes>();
        services.AddSingleton<GitLabHookSync>();
        if (runsBackgroundWork)
        {
            services.AddSingleton<ProvisioningOrderSignal>();
            services.AddSingleton<INotificationSubscriber>(provider => provider.GetRequiredService<ProvisioningOrderSignal>());
            services.AddHostedService<ProvisioningReconciler>();
            services.AddHostedService<AmiBakeLoop>();
            services.AddHostedService<GitLabHookSyncLoop>();
            services.AddSingleton<LocalCheckScheduler>();
            services.AddHostedService(provider => provider.GetRequiredService<LocalCheckScheduler>());
        }
        return services;
    }
}
