using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Policy;

/// <summary>One broken rule, e.g. "rds-not-public: DatabaseInstance sets PubliclyAccessible true".</summary>
public sealed record PolicyViolation(string RuleId, string LogicalId, string Message)
{
    public override string ToString() => $"{RuleId}: {LogicalId} {Message}";
}

/// <summary>Thrown before any AWS call when a rendered stack breaks a policy rule; provisioning stops with its message.</summary>
public sealed class PolicyViolationException(RenderedStack stack, IReadOnlyList<PolicyViolation> violations)
    : Exception($"Stack {stack.StackName} breaks the template policy: {string.Join("; ", violations)}")
{
    public RenderedStack Stack { get; } = stack;
    public IReadOnlyList<PolicyViolation> Violations { get; } = violations;
}
