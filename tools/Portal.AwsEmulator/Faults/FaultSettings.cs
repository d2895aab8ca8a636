namespace Portal.AwsEmulator.Faults;

/// <summary>Fault rules as configured (section Emulator:Faults) or posted to /_emulator/faults.</summary>
public sealed class FaultSettings
{
    public List<OperationFault> Operations { get; set; } = [];
    public List<ResourceFault> Resources { get; set; } = [];
    public List<ActionFault> Actions { get; set; } = [];
    public List<StackVisibilityFault> NewStacks { get; set; } = [];
}
