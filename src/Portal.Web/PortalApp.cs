using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using Portal.Aws;
using Portal.Data;
using Portal.Data.Entities;
using Portal.GitLab;
using Portal.Provisioning;
using Portal.Provisioning.Hosts;
using Portal.Releases;
using Portal.Web.Api;
using Portal.Web.Auth;
using Portal.Web.Components;
using Portal.Web.Edge;
using Portal.Web.Health;
using Portal.Web.Hosts;
using Portal.Web.Jobs;
using Portal.Web.Live;
using Portal.Web.Observability;
using Portal.Web.Mail;
using Portal.Web.Operations;
using Portal.Web.Webhooks;

namespace Portal.Web;

/// <summary>Builds the portal so it can run by itself or in-process inside tests on a free port.</summary>
public static class PortalApp
{
    public const string ConnectionStringName = "Portal";
    public const string JobsDashboardPath = "/operations/jobs";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Fixed so the portal finds its static web assets when hosted by another entry assembly (tests).
            ApplicationName = typeof(PortalApp).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        var edge = builder.AddPortalEdge();

        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set. Set the environment variable ConnectionStrings__{ConnectionStringName} " +
                "to a Postgres connection string, or start the portal with ./scripts/run.sh.");

        var services = builder.Services;
        // The factory also registers the scoped context; pages and host services take short-lived contexts from it.
        services.AddDbContextFactory<PortalDbContext>(options => options.UseNpgsql(connectionString));
        services.AddSingleton(TimeProvider.System);
        var runsBackgroundWork = services.AddPortalJobs(builder.Configuration, connectionString).RunServer;
        services.AddPortalAws(builder.Configuration);
        services.AddPortalGitLab(builder.Configuration);
        services.AddSingleton<IPortalAddress, PortalAddress>();
        services.AddPortalProvisioning(builder.Configuration, runsBackgroundWork);
        services.AddPortalHosts(builder.Configuration);
        services.AddScoped<NewWebhookTokens>();
        services.AddScoped<Components.Shared.BrowserTime>();
        services.AddPortalApi();
        services.AddPortalReleases(builder.Configuration, connectionString);
        services.AddPortalReleaseJobs(builder.Configuration, runsBackgroundWork);
        services.AddPortalMail(builder.Configuration, runsBackgroundWork);
        services.AddPortalOperations();
        services.AddPortalLivePages(connectionString);
        services.AddPortalAuthentication(builder.Configuration, builder.Environment);
        services.AddPortalObservability(builder.Configuration);
        services.AddProblemDetails();
        services.AddAntiforgery(options => options.Cookie.SecurePolicy = AuthenticationSetup.CookieSecurity(builder.Environment));
        services.AddPortalGracefulShutdown(builder.Configuration).AddCheck<DatabaseHealthCheck>("postgres", tags: ["ready"]);
        services.AddMudServices();
        services.AddRazorComponents().AddInteractiveServerComponents();

        var app = builder.Build();
        app.UsePortalEdge();
        app.UsePortalErrorPages();
        app.UsePortalRequestChecks();
        // After the status-code pages, so that a re-executed request is routed again.
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UsePortalMetricsEndpoint();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapSingleSignOnEndpoints();
        app.MapHangfireDashboard(JobsDashboardPath, new DashboardOptions
        {
            Authorization = [new OperatorDashboardAuthorization()],
            DashboardTitle = "Portal jobs",
            AppPath = "/operations",
        })
            // Checked before the dashboard's own filter, so a customer gets the portal's access-denied page and a person
            // not signed in the sign-in page, instead of the dashboard's bare 403.
            .RequireAuthorization(policy => policy.RequireRole(PortalRoles.Operator));
        app.MapGitLabWebhook();
        app.MapGroup("/api/v1").RequireAuthorization().AddEndpointFilter(ApiScopes.FilterAsync)
            .MapMeEndpoints().MapAccountLinkEndpoints().MapTokenEndpoints().MapHostEndpoints().MapOperationsEndpoints().MapPeopleEndpoints();
        app.MapPortalApiDocuments(edge.ApiReferenceFor(app.Environment));
        // The portal's own Content-Security-Policy (SecurityHeaders) has frame-ancestors for every answer.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }

    /// <summary>
    /// Applies migrations, creates the roles and, in Development only, seeds the demo accounts; under a Postgres advisory
    /// lock, so instances starting together never migrate or seed concurrently.
    /// </summary>
    public static async Task PrepareAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var preparing = await PreparationLock.AcquireAsync(db.Database.GetConnectionString()!);
        await MigrateAsync(scope.ServiceProvider);
        if (app.Environment.IsDevelopment())
            await DemoAccounts.SeedAsync(db, scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>());
    }

    /// <summary>Applies migrations and creates the roles (under the preparation lock); nothing else is seeded.</summary>
    public static async Task MigrateAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var preparing = await PreparationLock.AcquireAsync(db.Database.GetConnectionString()!);
        await MigrateAsync(scope.ServiceProvider);
    }

    private static async Task MigrateAsync(IServiceProvider services)
    {
        await services.GetRequiredService<PortalDbContext>().Database.MigrateAsync();
        await DemoAccounts.EnsureRolesAsync(services.GetRequiredService<RoleManager<IdentityRole<Guid>>>());
    }
}
