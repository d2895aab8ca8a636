namespace Portal.AwsEmulator.Faults;

/// <summary>
/// CloudFormation's eventual consistency right after CreateStack: the next <see cref="Misses"/> DescribeStacks or
/// DescribeStackEvents calls for the new stack answer "Stack with id X does not exist". Chosen by stack name (null:
/// every new stack); <see cref="Times"/> is how many new stacks the rule applies to (null: without end).
/// </summary>
public sealed class StackVisibilityFault
{
    public string? Id { get; set; }
    public string? StackName { get; set; }
    public int Misses { get; set; } = 1;
    public int? Times { get; set; }

    public bool Matches(string stackName) => StackName is null || StackName.Equals(stackName, StringComparison.Ordinal);
}
