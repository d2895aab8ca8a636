using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Images;

/// <summary>When the host journey asks for a bake: after provisioning, and after an update that changed what the Packer template renders.</summary>
public sealed class BakeTriggers(HostStackRenderer renderer, TimeProvider clock)
{
    public void AfterFinished(HostEnvironment environment, EnvironmentOperation operation)
    {
        if (operation == EnvironmentOperation.Provision)
        {
            environment.RequestBake("the environment was provisioned", null, clock.GetUtcNow());
            return;
        }
        if (operation != EnvironmentOperation.Update || environment.BakeRequestedAt is not null || environment.BakeExecutionId is not null) return;
        var hash = renderer.RenderPackerTemplate(new HostEnvironmentOrder(environment.Host.Customer.Slug, environment.Host, environment)).ContentHash;
        var outdated = environment.AmiId is null ? environment.InfrastructureCommitId is null : hash != environment.AmiTemplateHash;
        if (outdated) environment.RequestBake("the infrastructure changed", null, clock.GetUtcNow());
    }
}
