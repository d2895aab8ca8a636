namespace Portal.AwsEmulator;

/// <summary>The delays in force: start from the configuration, changeable at run time through /_emulator/settings.</summary>
public sealed class EmulatorTimings(EmulatorOptions options)
{
    private readonly Lock gate = new();
    private TimeSpan resourceDelay = options.ResourceDelay;
    private Dictionary<string, TimeSpan> resourceDelays = options.ResourceDelays.ToDictionary(d => d.Type, d => d.Delay, StringComparer.Ordinal);
    private TimeSpan actionDelay = options.ActionDelay;
    private TimeSpan changeSetDelay = options.ChangeSetDelay;

    public TimeSpan ResourceDelay(string resourceType)
    {
        lock (gate) return resourceDelays.TryGetValue(resourceType, out var delay) ? delay : resourceDelay;
    }

    public TimeSpan ActionDelay { get { lock (gate) return actionDelay; } }

    public TimeSpan ChangeSetDelay { get { lock (gate) return changeSetDelay; } }

    public TimingSettings Snapshot()
    {
        lock (gate)
            return new TimingSettings
            {
                ResourceDelay = resourceDelay,
                ActionDelay = actionDelay,
                ChangeSetDelay = changeSetDelay,
                ResourceDelays = resourceDelays.Select(d => new ResourceTypeDelay { Type = d.Key, Delay = d.Value }).ToList(),
            };
    }

    /// <summary>Changes the delays given; the others stay.</summary>
    public void Apply(TimingSettings settings)
    {
        lock (gate)
        {
            if (settings.ResourceDelay is { } resource) resourceDelay = resource;
            if (settings.ActionDelay is { } action) actionDelay = action;
            if (settings.ChangeSetDelay is { } changeSet) changeSetDelay = changeSet;
            if (settings.ResourceDelays is { } byType)
                resourceDelays = byType.ToDictionary(d => d.Type, d => d.Delay, StringComparer.Ordinal);
        }
    }
}

/// <summary>The body of GET/PUT /_emulator/settings.</summary>
public sealed class TimingSettings
{
    public TimeSpan? ResourceDelay { get; set; }
    public TimeSpan? ActionDelay { get; set; }
    public TimeSpan? ChangeSetDelay { get; set; }
    public List<ResourceTypeDelay>? ResourceDelays { get; set; }
}
