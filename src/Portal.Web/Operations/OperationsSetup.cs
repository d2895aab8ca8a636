namespace Portal.Web.Operations;

public static class OperationsSetup
{
    /// <summary>The operators' read models (overview, fleet, audit log) and job actions; the actions on hosts and releases are the journeys'.</summary>
    public static IServiceCollection AddPortalOperations(this IServiceCollection services)
    {
        services.AddSingleton<OperationsOverview>();
        services.AddSingleton<FleetQueries>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<JobActions>();
        return services;
    }
}
