using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Tests.Support;

/// <summary>Hosts as the order form saves them (state Ordered), written straight to the database.</summary>
public static class TestOrders
{
    public static PortalDbContext Database(string connectionString) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>A context factory on the database, for services that make a context per operation.</summary>
    public static IDbContextFactory<PortalDbContext> Contexts(string connectionString) => new ContextFactory(connectionString);

    private sealed class ContextFactory(string connectionString) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => Database(connectionString);
    }

    public static Task<Host> PlaceAsync(PortalDbContext db, string hostName, EnvironmentKind[] environments,
        Action<Host>? configure = null, string? customerSlug = null)
    {
        var builder = new TestHostBuilder(hostName).WithEnvironments(environments);
        if (customerSlug is not null) builder.OfCustomer(customerSlug);
        if (configure is not null) builder.Configure(configure);
        return builder.SaveAsync(db);
    }
}
