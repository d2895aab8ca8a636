using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Provisioning.Policy;

namespace Portal.Provisioning.Templates;

public static class TemplatesSetup
{
    /// <summary>Platform settings, plans, the template catalog, the renderer and the policy; settings are validated here, at start-up.</summary>
    public static IServiceCollection AddPortalTemplates(this IServiceCollection services, IConfiguration configuration)
    {
        var platform = configuration.GetSection(PlatformSettings.Section).Get<PlatformSettings>() ?? new PlatformSettings();
        platform.Validate();
        var catalog = new TemplateCatalog(configuration.GetSection(TemplateCatalogOptions.Section).Get<TemplateCatalogOptions>() ?? new TemplateCatalogOptions());
        services.AddSingleton(platform);
        services.AddSingleton(PlanCatalog.FromConfiguration(configuration));
        services.AddSingleton(catalog);
        services.AddSingleton<HostStackRenderer>();
        services.AddSingleton<TemplatePolicy>();
        return services;
    }
}
