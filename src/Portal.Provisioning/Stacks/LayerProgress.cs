using Portal.Aws.CloudFormation;

namespace Portal.Provisioning.Stacks;

/// <summary>Where one stack of an environment stands on the way to what the operation wants of it.</summary>
public sealed record LayerProgress(LayerProgressKind Kind, StackDescription? Stack = null, string? FailureReason = null, DateTimeOffset? RunningSince = null)
{
    public static readonly LayerProgress Running = new(LayerProgressKind.Running);

    /// <summary>A stack operation that began at <paramref name="since"/> (its first stack event) and still runs.</summary>
    public static LayerProgress RunningFrom(DateTimeOffset since) => new(LayerProgressKind.Running, RunningSince: since);
    public static LayerProgress Done(StackDescription? stack) => new(LayerProgressKind.Done, stack);
    public static LayerProgress Failed(string reason) => new(LayerProgressKind.Failed, FailureReason: reason);
}

public enum LayerProgressKind { Running, Done, Failed }
