using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Views;
using Portal.Provisioning.Hosts;
using Portal.Tests.Support;

namespace Portal.Benchmarks;

/// <summary>
/// "My hosts" for a customer with 10,000 hosts: the server-side time of one page (count + rows with environments and
/// last release) as HostQueries runs it for the page and the API. Goal: under 100 ms per page.
/// </summary>
public sealed class HostListBenchmark : IBenchmark
{
    private const int Hosts = 10_000;
    private const int NeighbourHosts = 2_000;
    private const int Warmup = 5;
    private const int Runs = 40;

    public string Name => "host-list";
    public string Description => $"server-side time of one page of 'My hosts' with {Hosts:N0} hosts for one customer (goal < 100 ms)";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("bench");
        await using var services = BuildServices(connectionString, showSql: args.Contains("--sql"));
        var contexts = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            await db.Database.MigrateAsync(cancellationToken);

        var seeding = Stopwatch.StartNew();
        var customerId = await SeedAsync(contexts, "bench", Hosts, cancellationToken);
        await SeedAsync(contexts, "neighbour", NeighbourHosts, cancellationToken);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            await db.Database.ExecuteSqlRawAsync("ANALYZE", cancellationToken);
        Console.WriteLine($"seeded {Hosts:N0} hosts (+{NeighbourHosts:N0} of another customer), 2 environments each, a release on every 5th, in {seeding.Elapsed.TotalSeconds:N1} s");

        await using var scope = services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<HostQueries>();
        var pageSize = HostListQuery.DefaultPageSize;
        var cases = new (string Name, HostListQuery Query)[]
        {
            ("first page", new HostListQuery(1, pageSize)),
            ("middle page", new HostListQuery(Hosts / pageSize / 2, pageSize)),
            ("last page", new HostListQuery(Hosts / pageSize, pageSize)),
            ("page of 100", new HostListQuery(50, 100)),
            ("search name 'host-07'", new HostListQuery(1, pageSize, "host-07")),
            ("search GitLab path 'team-13/'", new HostListQuery(1, pageSize, "team-13/")),
            ("search, no match", new HostListQuery(1, pageSize, "no-such-host")),
            ("state filter Active", new HostListQuery(1, pageSize, State: HostState.Active)),
        };

        Console.WriteLine();
        Console.WriteLine($"{"case",-32} {"rows",5} {"total",6} {"min",8} {"median",8} {"p95",8} {"max",8}   (ms, {Runs} runs after {Warmup} warm-up)");
        var worstMedian = 0.0;
        foreach (var (name, query) in cases)
        {
            ResultPage<HostSummary> page = null!;
            for (var i = 0; i < Warmup; i++) page = await queries.ListAsync(customerId, query, cancellationToken);
            var timings = new List<double>(Runs);
            for (var i = 0; i < Runs; i++)
            {
                var watch = Stopwatch.StartNew();
                page = await queries.ListAsync(customerId, query, cancellationToken);
                timings.Add(watch.Elapsed.TotalMilliseconds);
            }
            timings.Sort();
            var median = timings[timings.Count / 2];
            worstMedian = Math.Max(worstMedian, median);
            Console.WriteLine($"{name,-32} {page.Items.Count,5} {page.Total,6} {timings[0],8:N2} {median,8:N2} {timings[(int)(timings.Count * 0.95) - 1],8:N2} {timings[^1],8:N2}");
        }
        Console.WriteLine();
        Console.WriteLine($"worst median {worstMedian:N2} ms — goal < 100 ms per page: {(worstMedian < 100 ? "met" : "NOT met")}");
    }

    /// <param name="showSql">"--sql" prints every statement with its duration, to look at plans.</param>
    private static ServiceProvider BuildServices(string connectionString, bool showSql)
    {
        var services = new ServiceCollection();
        services.AddDbContextFactory<PortalDbContext>(options =>
        {
            options.UseNpgsql(connectionString);
            if (showSql) options.LogTo(Console.WriteLine, [RelationalEventId.CommandExecuted]);
        });
        services.AddPortalHosts(new ConfigurationBuilder().Build());
        return services.BuildServiceProvider();
    }

    /// <summary>Inserts hosts in large batches (change tracking off), as orders would have left them.</summary>
    private static async Task<Guid> SeedAsync(IDbContextFactory<PortalDbContext> contexts, string slug, int count, CancellationToken cancellationToken)
    {
        var customer = new Customer { Name = $"Customer {slug}", Slug = slug };
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.Customers.Add(customer);
            await db.SaveChangesAsync(cancellationToken);
        }
        var states = Enum.GetValues<HostState>();
        var now = DateTimeOffset.UtcNow;
        const int batch = 1_000;
        for (var start = 0; start < count; start += batch)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                var host = new Host
                {
                    CustomerId = customer.Id,
                    Name = $"host-{i:D5}",
                    Plan = "small",
                    GitLab = new GitLabProject { PathWithNamespace = $"team-{i % 50}/app-{i}", HttpUrl = $"https://gitlab.example.com/team-{i % 50}/app-{i}.git" },
                    State = states[i % states.Length],
                    WebhookTokenHash = new string('0', 64),
                    CreatedAt = now,
                    UpdatedAt = now,
                    Environments =
                    [
                        new HostEnvironment { Kind = EnvironmentKind.Dev, Branch = "dev", State = EnvironmentState.Active },
                        new HostEnvironment { Kind = EnvironmentKind.Production, Branch = "master", State = EnvironmentState.Active },
                    ],
                };
                if (i % 5 == 0)
                    host.Environments[0].Releases.Add(new Release
                    {
                        CommitId = $"{i:x8}{i:x8}", Branch = "dev", ClientRequestToken = Guid.NewGuid().ToString(),
                        PushedAt = now, CreatedAt = now.AddSeconds(-i), UpdatedAt = now, State = ReleaseState.Succeeded,
                    });
                db.Hosts.Add(host);
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        return customer.Id;
    }
}
