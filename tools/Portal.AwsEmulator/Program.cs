using Portal.AwsEmulator;

// No appsettings.json here on purpose: test projects reference both the portal and the emulator, and two web
// projects' appsettings.json would overwrite each other in the test output folder. Defaults live in code.
var app = EmulatorApp.Build(args, builder =>
{
    builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:4566");
});
app.Run();
