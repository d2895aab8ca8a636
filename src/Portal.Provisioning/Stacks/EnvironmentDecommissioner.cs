using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Decommissions one host environment in reverse order: the software stack (a production database first loses its
/// deletion protection, the one change a decommission may make), then the infrastructure stack, then frees the priority.
/// </summary>
public sealed class EnvironmentDecommissioner(HostStackRenderer renderer, ListenerPriorityAllocator priorities, StackDriver stacks)
{
    public async Task<StepResult> StepAsync(HostEnvironment environment, CancellationToken cancellationToken)
    {
        var order = new HostEnvironmentOrder(environment.Host.Customer.Slug, environment.Host, environment);
        var softwareName = environment.SoftwareStackName ?? StackNaming.StackName(order.CustomerSlug, environment.Host.Name, environment.Kind, StackLayer.Software);
        var infrastructureName = environment.InfrastructureStackName ?? StackNaming.StackName(order.CustomerSlug, environment.Host.Name, environment.Kind, StackLayer.Infrastructure);

        if (order.IsProduction && environment.ListenerPriority is { } priority && environment.SoftwareTemplateHash is not null)
        {
            var unprotected = renderer.RenderSoftware(order, priority, purpose: StackPurpose.Decommission);
            var lifted = await stacks.UpdateAsync(environment, unprotected, cancellationToken);
            if (lifted.Kind != LayerProgressKind.Done) return StepResult.From(lifted);
        }

        var software = await stacks.DeleteAsync(environment, StackLayer.Software, softwareName, cancellationToken);
        if (software.Kind != LayerProgressKind.Done) return StepResult.From(software);

        var infrastructure = await stacks.DeleteAsync(environment, StackLayer.Infrastructure, infrastructureName, cancellationToken);
        if (infrastructure.Kind != LayerProgressKind.Done) return StepResult.From(infrastructure);

        await priorities.ReleaseAsync(environment, cancellationToken);
        environment.Outputs = [];
        return StepResult.Finished;
    }
}
