using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Portal.GitLabStandIn.State;

/// <summary>Loads DataPath/state.json at start, saves it a moment after each change and once more at shutdown.</summary>
public sealed class StatePersistence(StandInState state, IOptions<StandInOptions> options, ILogger<StatePersistence> logger)
    : BackgroundService
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromMilliseconds(500);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly string path = System.IO.Path.Combine(options.Value.DataPath, "state.json");
    private long savedVersion = -1;

    /// <summary>Loads synchronously so the state is there before the first request.</summary>
    public void Load()
    {
        if (!File.Exists(path)) return;
        var loaded = JsonSerializer.Deserialize<StateData>(File.ReadAllText(path), Json) ?? new StateData();
        state.Replace(loaded);
        savedVersion = state.Version;
        logger.LogInformation("GitLab stand-in state loaded from {Path}", path);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SaveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Save();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Save();
    }

    private void Save()
    {
        var (version, text) = state.Read(d => (state.Version, JsonSerializer.Serialize(d, Json)));
        if (version == savedVersion) return;
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
        savedVersion = version;
    }
}
