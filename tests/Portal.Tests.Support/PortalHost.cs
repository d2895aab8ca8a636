using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web;

namespace Portal.Tests.Support;

/// <summary>The real portal, in-process, on a free loopback port, over real HTTP, against a real Postgres database.</summary>
public sealed class PortalHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private PortalHost(WebApplication app, Uri baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }
    public IServiceProvider Services => app.Services;

    /// <summary>
    /// The DNS every test portal asks unless a test gives it a DNS server of its own (<see cref="DnsServer"/>): a loopback
    /// port where nothing answers, so no test asks the machine's resolver about its made-up domains; a page's DNS check
    /// says it could not check, after a short wait.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> NoDns = new Dictionary<string, string?>
    {
        ["Dns:NameServers:0"] = "127.0.0.1:9",
        ["Dns:Timeout"] = "00:00:00.500",
    };

    /// <summary>
    /// Starts the portal (in Development unless <paramref name="environment"/> names another), optionally also logging
    /// to <paramref name="logs"/>.
    /// </summary>
    public static async Task<PortalHost> StartAsync(string connectionString, IReadOnlyDictionary<string, string?>? settings = null,
        string environment = "Development", ILoggerProvider? logs = null)
    {
        var app = PortalApp.Build(["--environment", environment, "--urls", "http://127.0.0.1:0", "--contentRoot", AppContext.BaseDirectory], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(NoDns)
            {
                [$"ConnectionStrings:{PortalApp.ConnectionStringName}"] = connectionString,
                // Every browser test signs in from 127.0.0.1; the per-address limit has tests of its own with a low value.
                ["Portal:Accounts:SignInAttemptsPerAddressPerMinute"] = "10000",
            });
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (logs is not null) builder.Logging.AddProvider(logs);
        });
        await PortalApp.PrepareAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new PortalHost(app, new Uri(address));
    }

    public HttpClient CreateClient(string? bearerToken = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseUrl };
        if (bearerToken is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", bearerToken);
        return client;
    }

    /// <summary>Runs work in a DI scope of the running portal (a DbContext, a UserManager...).</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>Creates a user of the given role (a customer user gets a new customer of its own).</summary>
    public Task<PortalUser> CreateUserAsync(string role, string email, string password) => WithScopeAsync(async services =>
    {
        var db = services.GetRequiredService<PortalDbContext>();
        Customer? customer = null;
        if (role == PortalRoles.Customer)
        {
            var slug = "c" + Guid.NewGuid().ToString("N")[..12];
            customer = new Customer { Name = $"Customer {slug}", Slug = slug };
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
        }
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email, CustomerId = customer?.Id };
        Check(await users.CreateAsync(user, password));
        Check(await users.AddToRoleAsync(user, role));
        return user;
    });

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        // Each test class has a database (and so a connection pool) of its own; without this, the idle connections
        // of every finished class stay open and the cluster runs out of connection slots.
        Npgsql.NpgsqlConnection.ClearAllPools();
    }
}
