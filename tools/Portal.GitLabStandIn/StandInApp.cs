using Microsoft.Extensions.Options;
using Portal.GitLabStandIn.Admin;
using Portal.GitLabStandIn.Api;
using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.Git;
using Portal.GitLabStandIn.Hooks;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn;

/// <summary>Builds the GitLab stand-in so it can run by itself or in-process inside tests on a free port.</summary>
public static class StandInApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        AddServices(builder.Services, builder.Configuration);
        var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptions<StandInOptions>>().Value;
        Directory.CreateDirectory(options.DataPath);
        app.Services.GetRequiredService<StatePersistence>().Load();
        app.Services.GetRequiredService<AdminService>().EnsureRoot();
        app.Lifetime.ApplicationStarted.Register(() => Started(app.Services, options));

        var router = app.Services.GetRequiredService<ApiRouter>();
        app.Map("/api/v4/{**rest}", router.HandleAsync);
        app.Map("/api/v3/{**rest}", () => ApiRouter.Write(ApiError.Error(410, "API V3 is no longer supported. Use API V4 instead.")));
        AdminEndpoints.Map(app);
        app.MapGet("/", IndexPage.Render);
        var git = app.Services.GetRequiredService<SmartHttp>();
        app.MapMethods("/{**path}", ["GET", "POST"], (HttpContext http) =>
            SmartHttp.IsGitRequest(http.Request.Path) ? git.HandleAsync(http) : Results.NotFound().ExecuteAsync(http));
        return app;
    }

    /// <summary>Once the address is known: the hook script and its URL, then the seed file.</summary>
    private static void Started(IServiceProvider services, StandInOptions options)
    {
        services.GetRequiredService<RepositoryStore>().PrepareInternalApi(services.GetRequiredService<StandInUrls>().Internal);
        if (options.SeedPath is { Length: > 0 } seed) services.GetRequiredService<SeedFile>().ApplyAsync(seed).GetAwaiter().GetResult();
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StandInOptions>().Bind(configuration.GetSection(StandInOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataPath), $"{StandInOptions.Section}:DataPath is required (where repositories and state live).")
            .Validate(o => o.PushEventHooksLimit >= 0, $"{StandInOptions.Section}:PushEventHooksLimit must be 0 or more.")
            .Validate(o => o.WebhookTimeout > TimeSpan.Zero, $"{StandInOptions.Section}:WebhookTimeout must be positive.")
            .Validate(o => o.ExternalUrl is null || Uri.TryCreate(o.ExternalUrl, UriKind.Absolute, out _),
                $"{StandInOptions.Section}:ExternalUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StandInState>();
        services.AddSingleton<StatePersistence>();
        services.AddHostedService(sp => sp.GetRequiredService<StatePersistence>());
        services.AddSingleton<StandInUrls>();
        services.AddSingleton<GitCli>();
        services.AddSingleton<RepositoryStore>();
        services.AddSingleton<RepositoryReader>();
        services.AddSingleton<DiffReader>();
        services.AddSingleton<ArchiveStats>();
        services.AddSingleton<Faults.ArchiveOutages>();
        services.AddSingleton<ArchiveStreamer>();
        services.AddSingleton<SmartHttp>();
        services.AddSingleton<ApiAuthenticator>();
        services.AddSingleton<AdminService>();
        services.AddSingleton<SeedFile>();
        services.AddSingleton<PushDataBuilder>();
        services.AddSingleton<PushLog>();
        services.AddSingleton<WebHookSender>();
        services.AddSingleton<HookTester>();
        services.AddSingleton<PushProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<PushProcessor>());
        services.AddSingleton<ProjectRoutes>();
        services.AddSingleton<RepositoryRoutes>();
        services.AddSingleton<HookRoutes>();
        services.AddSingleton<StatusRoutes>();
        services.AddSingleton(sp => new ApiRouter(
            [
                .. sp.GetRequiredService<ProjectRoutes>().Routes, .. sp.GetRequiredService<RepositoryRoutes>().Routes,
                .. sp.GetRequiredService<HookRoutes>().Routes, .. sp.GetRequiredService<StatusRoutes>().Routes,
            ],
            sp.GetRequiredService<ApiAuthenticator>(), sp.GetRequiredService<StandInState>()));
    }
}
