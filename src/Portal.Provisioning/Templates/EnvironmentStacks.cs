using Portal.Data.Entities;

namespace Portal.Provisioning.Templates;

/// <summary>The per-layer stack fields of a host environment, addressed by layer.</summary>
public static class EnvironmentStacks
{
    public static string? StackId(this HostEnvironment environment, StackLayer layer) =>
        layer == StackLayer.Infrastructure ? environment.InfrastructureStackId : environment.SoftwareStackId;

    public static string? StackName(this HostEnvironment environment, StackLayer layer) =>
        layer == StackLayer.Infrastructure ? environment.InfrastructureStackName : environment.SoftwareStackName;

    public static string? TemplateHash(this HostEnvironment environment, StackLayer layer) =>
        layer == StackLayer.Infrastructure ? environment.InfrastructureTemplateHash : environment.SoftwareTemplateHash;

    public static void SetStack(this HostEnvironment environment, StackLayer layer, string stackName, string? stackId)
    {
        if (layer == StackLayer.Infrastructure)
            (environment.InfrastructureStackName, environment.InfrastructureStackId) = (stackName, stackId);
        else
            (environment.SoftwareStackName, environment.SoftwareStackId) = (stackName, stackId);
    }

    public static void SetTemplateHash(this HostEnvironment environment, StackLayer layer, string? hash)
    {
        if (layer == StackLayer.Infrastructure) environment.InfrastructureTemplateHash = hash;
        else environment.SoftwareTemplateHash = hash;
    }

    /// <summary>CloudFormation client request token of one call of the current attempt: [a-zA-Z][-a-zA-Z0-9]*, ≤ 128.</summary>
    public static string RequestToken(this HostEnvironment environment, StackLayer layer, string verb) =>
        $"portal-{environment.AttemptId ?? throw new InvalidOperationException("No attempt is in progress.")}-{(layer == StackLayer.Infrastructure ? "infra" : "app")}-{verb}";
}
