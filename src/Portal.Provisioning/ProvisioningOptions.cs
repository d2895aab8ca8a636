namespace Portal.Provisioning;

/// <summary>How provisioning jobs pace themselves (section "Provisioning").</summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Provisioning";

    /// <summary>Shortest and longest wait between two looks at a stack that is still in progress.</summary>
    public TimeSpan MinCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxCheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The wait grows with the operation's age: this fraction of the time the stack has been in progress.</summary>
    public double CheckBackoffFactor { get; set; } = 0.1;

    /// <summary>Wait before trying again after AWS stayed unavailable (throttling, 5xx) through the client's own retries.</summary>
    public TimeSpan UnavailableRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one DescribeRules listing of the shared listener serves the priority allocations that follow it.</summary>
    public TimeSpan ListenerRulesFreshFor { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// CloudFormation is eventually consistent: right after CreateStack, DescribeStacks and DescribeStackEvents may answer
    /// that the new stack does not exist. For this long after the attempt began the portal takes that for "not visible yet".
    /// </summary>
    public TimeSpan NotFoundAfterCreateGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many follow-up looks at stacks and change sets the job server runs at once.</summary>
    public int MaxConcurrentLooks { get; set; } = 16;

    /// <summary>
    /// The longest the reconciler waits between two looks for orders not started and checks overdue. It also wakes when a
    /// host is ordered (a Postgres notification) and when the earliest recorded check would become overdue, so this is
    /// only the safety net for a lost notification and for checks held by a slow step.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A check this late (the job or the process driving it died) is resumed by the reconciler.</summary>
    public TimeSpan OverdueAfter { get; set; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        Positive(nameof(MinCheckInterval), MinCheckInterval);
        Positive(nameof(MaxCheckInterval), MaxCheckInterval);
        Positive(nameof(UnavailableRetryDelay), UnavailableRetryDelay);
        Positive(nameof(ReconcileInterval), ReconcileInterval);
        Positive(nameof(OverdueAfter), OverdueAfter);
        Positive(nameof(ListenerRulesFreshFor), ListenerRulesFreshFor);
        Positive(nameof(NotFoundAfterCreateGrace), NotFoundAfterCreateGrace);
        if (MaxConcurrentLooks is < 1 or > 1000)
            throw new InvalidOperationException($"{Section}:{nameof(MaxConcurrentLooks)} must be between 1 and 1000 (is {MaxConcurrentLooks}).");
        if (MaxCheckInterval < MinCheckInterval)
            throw new InvalidOperationException($"{Section}:{nameof(MaxCheckInterval)} must not be below {nameof(MinCheckInterval)}.");
        if (CheckBackoffFactor is <= 0 or > 10)
            throw new InvalidOperationException($"{Section}:{nameof(CheckBackoffFactor)} must be above 0 and at most 10 (is {CheckBackoffFactor}).");
        if (ReconcileInterval < TimeSpan.FromSeconds(1) || ReconcileInterval.Ticks % TimeSpan.TicksPerSecond != 0)
            throw new InvalidOperationException($"{Section}:{nameof(ReconcileInterval)} must be a whole number of seconds, at least 1.");
    }

    private static void Positive(string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{name} must be positive (is {value}).");
    }
}
