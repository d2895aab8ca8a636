using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.CodePipeline;

namespace Portal.AwsEmulator.State;

/// <summary>
/// The state's lifetime. With Emulator:StatePath: loads the state at start (resuming stack operations and pipeline
/// executions that were running), saves it every few seconds when it changed and once more at shutdown. Always:
/// seeds the configured listeners at start and stops background work at shutdown.
/// </summary>
public sealed class StatePersistence(
    EmulatorState state, Seeder seeder, StackEngine stacks, PipelineRunner pipelines,
    IOptions<EmulatorOptions> options, ILogger<StatePersistence> logger) : BackgroundService
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(2);
    private readonly string? path = options.Value.StatePath;
    private string? lastSaved;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (path is not null && File.Exists(path))
        {
            state.Load(JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? []);
            lastSaved = state.Save().ToJsonString();
            logger.LogInformation("Emulator state loaded from {Path}", path);
        }
        seeder.SeedConfigured();
        foreach (var region in state.Regions)
        {
            stacks.Resume(region);
            pipelines.Resume(region);
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (path is null) return;
        using var timer = new PeriodicTimer(SaveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                Save();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        state.Stop();
        if (path is not null) Save();
    }

    private void Save()
    {
        var json = state.Save().ToJsonString();
        if (json == lastSaved) return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path!));
        if (directory is not null) Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, path!, overwrite: true);
        lastSaved = json;
    }
}
