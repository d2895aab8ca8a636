using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Portal.GitLabStandIn;

// Standalone: standin.json holds the defaults (port 8929, local webhook targets allowed for development); appsettings,
// environment variables and the command line (e.g. --StandIn:DataPath=/tmp/gitlab) override it.
var app = StandInApp.Build(args, builder => builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
{
    Path = "standin.json",
    Optional = false,
    FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
}));
app.Run();
