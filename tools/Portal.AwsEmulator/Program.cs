using Portal.AwsEmulator;

var app = EmulatorApp.Build(args);
app.Run();
