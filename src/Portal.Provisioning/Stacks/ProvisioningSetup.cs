using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Provisioning.Jobs;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

public static class ProvisioningSetup
{
    /// <summary>Templates, the stack drivers, host operations and the reconciler (when this process runs jobs). Needs the AWS clients.</summary>
    public static IServiceCollection AddPortalProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ProvisioningOptions.Section).Get<ProvisioningOptions>() ?? new ProvisioningOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddPortalTemplates(configuration);
        services.AddScoped<EnvironmentLock>();
        services.AddScoped<StackEventCopier>();
        services.AddScoped<StackDriver>();
        services.AddScoped<ListenerPriorityAllocator>();
        services.AddSingleton<ListenerRulePriorities>();
        services.AddScoped<EnvironmentProvisioner>();
        services.AddScoped<EnvironmentDecommissioner>();
        services.AddScoped<EnvironmentUpdater>();
        services.AddScoped<ChangePreviewer>();
        services.AddScoped<Hosts.HostChanges>();
        services.AddScoped<HostStates>();
        services.AddScoped<EnvironmentStepRunner>();
        services.AddScoped<CheckScheduler>();
        services.AddScoped<HostOperations>();
        services.AddScoped<ProvisioningJobs>();
        if (configuration.GetSection(JobOptions.Section).Get<JobOptions>()?.RunServer ?? true)
        {
            services.AddHostedService<ProvisioningReconciler>();
            services.AddSingleton<LocalCheckScheduler>();
            services.AddHostedService(provider => provider.GetRequiredService<LocalCheckScheduler>());
        }
        return services;
    }
}
