using Portal.Web;
using Portal.Web.People;

if (args.FirstOrDefault() == FirstOperatorCommand.Name)
    return await FirstOperatorCommand.RunAsync(args[1..], Console.Out);

var app = PortalApp.Build(args);
await PortalApp.PrepareAsync(app);
app.Run();
return 0;
