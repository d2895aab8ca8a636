namespace Portal.Provisioning.Releases;

/// <summary>Settings of starting pipelines and following their executions (section "Releases").</summary>
public sealed class ReleaseOptions
{
    public const string Section = "Releases";

    /// <summary>How many StartPipelineExecution calls this instance makes at once; 0 leaves starting to other instances.</summary>
    public int StartWorkers { get; set; } = 4;

    /// <summary>How often the starters look for pending releases without being woken (releases recorded elsewhere, retries due).</summary>
    public TimeSpan StartPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>StartPipelineExecution calls per release before it is Failed with AWS's reason.</summary>
    public int MaxStartAttempts { get; set; } = 8;

    /// <summary>Wait before the second attempt; doubled after each failed attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest a single StartPipelineExecution call (with the client's own retries) may take before it counts as failed.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Seconds between two pipeline state syncs (the recurring job); must divide 60.</summary>
    public int SyncIntervalSeconds { get; set; } = 10;

    public void Validate()
    {
        if (StartWorkers is < 0 or > 64)
            throw new InvalidOperationException($"{Section}:{nameof(StartWorkers)} must be between 0 and 64 (is {StartWorkers}).");
        if (StartPollInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(StartPollInterval)} must be positive.");
        if (MaxStartAttempts is < 1 or > 100)
            throw new InvalidOperationException($"{Section}:{nameof(MaxStartAttempts)} must be between 1 and 100 (is {MaxStartAttempts}).");
        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
            throw new InvalidOperationException($"{Section}:{nameof(RetryBaseDelay)} must be positive and at most {nameof(RetryMaxDelay)}.");
        if (StartTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(StartTimeout)} must be positive.");
        if (SyncIntervalSeconds is < 1 or > 59 || 60 % SyncIntervalSeconds != 0)
            throw new InvalidOperationException($"{Section}:{nameof(SyncIntervalSeconds)} must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30; is {SyncIntervalSeconds}).");
    }

    /// <summary>Delay before attempt number <paramref name="attempt"/> + 1, with full jitter over the upper half.</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var exponential = RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }
}
