using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Environments;

/// <summary>What one step of an environment's operation came to.</summary>
public sealed record StepResult(StepResultKind Kind, string? FailureReason = null, TimeSpan? RetryAfter = null, DateTimeOffset? RunningSince = null)
{
    public static readonly StepResult Waiting = new(StepResultKind.Waiting);
    public static readonly StepResult Finished = new(StepResultKind.Finished);
    public static StepResult Failed(string reason) => new(StepResultKind.Failed, reason);

    /// <summary>AWS stayed unavailable through the client's retries: look again later without failing the operation.</summary>
    public static StepResult Unavailable(TimeSpan retryAfter) => new(StepResultKind.Waiting, RetryAfter: retryAfter);

    public static StepResult From(LayerProgress progress) => progress.Kind switch
    {
        LayerProgressKind.Running => progress.RunningSince is { } since ? new StepResult(StepResultKind.Waiting, RunningSince: since) : Waiting,
        LayerProgressKind.Failed => Failed(progress.FailureReason!),
        _ => Finished,
    };
}

public enum StepResultKind { Waiting, Finished, Failed }
