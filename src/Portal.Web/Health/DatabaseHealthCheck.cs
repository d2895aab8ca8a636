using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Data;

namespace Portal.Web.Health;

/// <summary>Ready means Postgres answers.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<PortalDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("Postgres answers.")
                : HealthCheckResult.Unhealthy("Postgres does not answer.");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("Postgres does not answer.", e);
        }
    }
}
