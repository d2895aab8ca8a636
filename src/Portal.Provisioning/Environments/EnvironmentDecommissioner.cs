using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Stacks;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Environments;

/// <summary>
/// Decommissions one host environment in reverse order: the software stack (a production database first loses its
/// deletion protection, the one change a decommission may make), then the infrastructure stack, then frees the priority.
/// </summary>
public sealed class EnvironmentDecommissioner(HostStackRenderer renderer, StackDriver stacks)
{
    public async Task<StepResult> StepAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        var order = new HostEnvironmentOrder(environment.Host.Customer.Slug, environment.Host, environment);
        var softwareName = order.StackName(StackLayer.Software);
        var infrastructureName = order.StackName(StackLayer.Infrastructure);

        if (order.IsProduction && environment.ListenerPriority is { } priority && environment.SoftwareTemplateHash is not null)
        {
            var unprotected = renderer.RenderSoftware(order, priority, purpose: StackPurpose.Decommission);
            var lifted = await stacks.UpdateAsync(db, environment, unprotected, cancellationToken);
            if (lifted.Kind != LayerProgressKind.Done) return StepResult.From(lifted);
        }

        var software = await stacks.DeleteAsync(db, environment, StackLayer.Software, softwareName, cancellationToken);
        if (software.Kind != LayerProgressKind.Done) return StepResult.From(software);

        var infrastructure = await stacks.DeleteAsync(db, environment, StackLayer.Infrastructure, infrastructureName, cancellationToken);
        if (infrastructure.Kind != LayerProgressKind.Done) return StepResult.From(infrastructure);

        await ListenerPriorityAllocator.ReleaseAsync(db, environment, cancellationToken);
        environment.Outputs = [];
        return StepResult.Finished;
    }
}
