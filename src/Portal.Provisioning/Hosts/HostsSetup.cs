using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Provisioning.Orders;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Hosts;

public static class HostsSetup
{
    /// <summary>
    /// Order rules, quotas, prices, the DNS check and the host services; quotas, prices and the DNS settings are validated
    /// here, at start-up. HostOrders needs the provisioning services.
    /// </summary>
    public static IServiceCollection AddPortalHosts(this IServiceCollection services, IConfiguration configuration)
    {
        var quotas = configuration.GetSection(QuotaOptions.Section).Get<QuotaOptions>() ?? new QuotaOptions();
        quotas.Validate();
        var plans = PlanCatalog.FromConfiguration(configuration);
        var prices = PriceTable.FromConfiguration(configuration);
        prices.Validate(plans);
        var dns = configuration.GetSection(DnsCheckOptions.Section).Get<DnsCheckOptions>() ?? new DnsCheckOptions();
        dns.Validate();

        // The templates' setup registers the same catalog; whichever comes first serves both.
        services.TryAddSingleton(plans);
        services.AddSingleton(quotas);
        services.AddSingleton(prices);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HostOrderValidator>();
        services.AddSingleton<CostEstimator>();
        services.AddSingleton<HostClaims>();
        services.AddSingleton<HostOrders>();
        services.AddSingleton<HostGitLabSettings>();
        services.AddSingleton<HostQueries>();
        services.AddSingleton(dns);
        services.AddSingleton<DnsRecordCheck>();
        return services;
    }
}
