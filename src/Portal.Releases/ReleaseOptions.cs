namespace Portal.Releases;

/// <summary>Settings of starting pipelines and following their executions (section "Releases").</summary>
public sealed class ReleaseOptions
{
    public const string Section = "Releases";

    /// <summary>How many StartPipelineExecution calls this instance makes at once; 0 leaves starting to other instances.</summary>
    public int StartWorkers { get; set; } = 4;

    /// <summary>
    /// How often an idle starter looks for pending releases without being woken. Accepted pushes and pending releases wake
    /// the starters of every instance (Postgres notifications) and a due retry is waited for exactly, so this is only the
    /// safety net for a lost notification.
    /// </summary>
    public TimeSpan StartPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>StartPipelineExecution calls per release before it is Failed with AWS's reason.</summary>
    public int MaxStartAttempts { get; set; } = 8;

    /// <summary>Wait before the second attempt; doubled after each failed attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest a single StartPipelineExecution call (with the client's own retries) may take before it counts as failed.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Least time between two rounds of commit status reports (a burst of release changes costs one round per interval).</summary>
    public TimeSpan StatusReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the commit status reporter looks without being woken: a release changing wakes it (Postgres notification),
    /// so this is the safety net for a lost notification and the retry of reports GitLab held back.
    /// </summary>
    public TimeSpan StatusReportIdlePollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Seconds between two pipeline state syncs while releases are in flight (<see cref="Background.ReleaseStateSyncLoop"/>).</summary>
    public int SyncIntervalSeconds { get; set; } = 10;

    /// <summary>
    /// How often the idle sync (no release in flight) looks whether one is, without being woken. A release going in flight
    /// wakes it (Postgres notification), so this is only the safety net for a lost notification.
    /// </summary>
    public TimeSpan SyncIdlePollInterval { get; set; } = TimeSpan.FromMinutes(1);

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
        if (StatusReportInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(StatusReportInterval)} must be positive.");
        if (StatusReportIdlePollInterval < StatusReportInterval)
            throw new InvalidOperationException($"{Section}:{nameof(StatusReportIdlePollInterval)} must be at least {nameof(StatusReportInterval)}.");
        if (StartTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(StartTimeout)} must be positive.");
        if (SyncIntervalSeconds is < 1 or > 300)
            throw new InvalidOperationException($"{Section}:{nameof(SyncIntervalSeconds)} must be between 1 and 300 (is {SyncIntervalSeconds}).");
        if (SyncIdlePollInterval < TimeSpan.FromSeconds(1))
            throw new InvalidOperationException($"{Section}:{nameof(SyncIdlePollInterval)} must be at least a second.");
    }

    /// <summary>Delay before attempt number <paramref name="attempt"/> + 1, with full jitter over the upper half.</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var exponential = RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }
}
