namespace Portal.Data;

/// <summary>
/// Outputs of the software stack (templates/host-software.yaml) that the push journey reads from an environment's
/// copied outputs: where a release puts its commit's source, which Source action reads it, and the live side.
/// </summary>
public static class StackOutputs
{
    public const string PipelineName = "PipelineName";
    public const string SoftwareSourceBucket = "SoftwareSourceBucket";
    public const string SoftwareSourcePrefix = "SoftwareSourcePrefix";
    public const string SoftwareSourceAction = "SoftwareSourceAction";

    /// <summary>Blue/green: the side the stack, as last applied, sends traffic to ("blue" or "green").</summary>
    public const string LiveColour = "LiveColour";
}
