using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Jobs;
using Portal.Provisioning.Operations;
using Portal.Provisioning.Releases;
using Portal.Provisioning.Stacks;
using Portal.Web.Api;
using Portal.Web.Auth;
using Portal.Web.Components;
using Portal.Web.Health;
using Portal.Web.Hosts;
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

        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set. Set the environment variable ConnectionStrings__{ConnectionStringName} " +
                "to a Postgres connection string, or start the portal with ./scripts/run.sh.");

        var services = builder.Services;
        // The factory also registers the scoped context; pages and host services take short-lived contexts from it.
        services.AddDbContextFactory<PortalDbContext>(options => options.UseNpgsql(connectionString));
        services.AddSingleton(TimeProvider.System);
        services.AddPortalJobs(builder.Configuration, connectionString);
        services.AddPortalAws(builder.Configuration);
        services.AddPortalProvisioning(builder.Configuration);
        services.AddPortalHosts(builder.Configuration);
        services.AddScoped<NewWebhookTokens>();
        services.AddPortalApi();
        services.AddPortalReleases(builder.Configuration, connectionString);
        services.AddPortalReleaseJobs(builder.Configuration);
        services.AddPortalOperations();
        services.AddGitLabWebhookRateLimiting();
        services.AddPortalAuthentication();
        services.AddProblemDetails();
        services.AddAntiforgery();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("postgres", tags: ["ready"]);
        services.AddMudServices();
        services.AddRazorComponents().AddInteractiveServerComponents();

        var app = builder.Build();
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseStatusCodePages(async context =>
        {
            if (ApiProblems.IsApiRequest(context.HttpContext.Request))
                await ApiProblems.WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode,
                    ReasonPhrase(context.HttpContext.Response.StatusCode), "See the API reference.");
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapHangfireDashboard(JobsDashboardPath, new DashboardOptions
        {
            Authorization = [new OperatorDashboardAuthorization()],
            DashboardTitle = "Portal jobs",
            AppPath = "/operations",
        });
        app.MapGitLabWebhook();
        app.MapGroup("/api/v1").RequireAuthorization().MapMeEndpoints().MapTokenEndpoints().MapHostEndpoints().MapOperationsEndpoints();
        app.MapPortalApiDocuments();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>Applies migrations, creates the roles and, in Development only, seeds the demo accounts.</summary>
    public static async Task PrepareAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await db.Database.MigrateAsync();
        await DemoAccounts.EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>());
        if (app.Environment.IsDevelopment())
            await DemoAccounts.SeedAsync(db, scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>());
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
