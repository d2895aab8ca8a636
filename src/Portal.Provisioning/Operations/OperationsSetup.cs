using Microsoft.Extensions.DependencyInjection;
using Portal.Provisioning.Approvals;

namespace Portal.Provisioning.Operations;

public static class OperationsSetup
{
    /// <summary>The operators' services: approvals, the overview, the fleet and the audit log. Needs the AWS clients, the jobs and the release services.</summary>
    public static IServiceCollection AddPortalOperations(this IServiceCollection services)
    {
        services.AddSingleton<ApprovalService>();
        services.AddScoped<PendingApprovals>();
        services.AddScoped<GitLabAccountLink>();
        services.AddScoped<OperationsOverview>();
        services.AddScoped<FleetQueries>();
        services.AddSingleton<FleetActions>();
        services.AddScoped<AuditQueries>();
        return services;
    }
}
