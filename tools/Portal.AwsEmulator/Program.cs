using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Portal.AwsEmulator;

// Standalone: emulator.json holds the defaults (port 4566, delays, the seeded shared listener); appsettings,
// environment variables and the command line (e.g. --Emulator:StatePath=state.json) override it.
var app = EmulatorApp.Build(args, builder => builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
{
    Path = "emulator.json",
    Optional = false,
    FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
}));
app.Run();
