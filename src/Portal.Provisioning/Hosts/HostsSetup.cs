using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Hosts;

public static class HostsSetup
{
    /// <summary>Order rules, quotas, prices and the host services; quotas and prices are validated here, at start-up. HostActions and HostChangeRequests need the provisioning services.</summary>
    public static IServiceCollection AddPortalHosts(this IServiceCollection services, IConfiguration configuration)
    {
        var quotas = configuration.GetSection(QuotaOptions.Section).Get<QuotaOptions>() ?? new QuotaOptions();
        quotas.Validate();
        var plans = PlanCatalog.FromConfiguration(configuration);
        var prices = PriceTable.FromConfiguration(configuration);
        prices.Validate(plans);

        // The templates' setup registers the same catalog; whichever comes first serves both.
        services.TryAddSingleton(plans);
        services.AddSingleton(quotas);
        services.AddSingleton(prices);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HostOrderValidator>();
        services.AddSingleton<CostEstimator>();
        services.AddScoped<HostOrders>();
        services.AddScoped<HostQueries>();
        services.AddSingleton<HostActions>();
        services.AddSingleton<HostChangeRequests>();
        return services;
    }
}
