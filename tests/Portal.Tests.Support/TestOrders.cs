using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Tests.Support;

/// <summary>Hosts as the order form saves them (state Ordered), written straight to the database.</summary>
public static class TestOrders
{
    public static PortalDbContext Database(string connectionString) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connectionString).Options);

    public static async Task<Host> PlaceAsync(PortalDbContext db, string hostName, EnvironmentKind[] environments,
        Action<Host>? configure = null, string? customerSlug = null)
    {
        var slug = customerSlug ?? "c" + Guid.NewGuid().ToString("N")[..10];
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Slug == slug) ?? new Customer { Name = $"Customer {slug}", Slug = slug };
        var host = new Host
        {
            Customer = customer,
            Name = hostName,
            Plan = "small",
            HealthCheckPath = "/health",
            ApproverEmails = ["ops@example.test"],
            GitLab = new GitLabProject { PathWithNamespace = $"{slug}/{hostName}", HttpUrl = $"https://gitlab.example.test/{slug}/{hostName}.git" },
            Environments = environments.Select(kind => new HostEnvironment
            {
                Kind = kind,
                Branch = kind switch { EnvironmentKind.Dev => "dev", EnvironmentKind.Staging => "staging", _ => "master" },
            }).ToList(),
        };
        configure?.Invoke(host);
        db.Hosts.Add(host);
        await db.SaveChangesAsync();
        return host;
    }
}
