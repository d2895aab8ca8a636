using Portal.Web;

var app = PortalApp.Build(args);
await PortalApp.PrepareAsync(app);
app.Run();
