using Microsoft.EntityFrameworkCore;
using Portal.Aws.CloudFormation;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Stacks;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Environments;

/// <summary>
/// Updates one host environment's stacks to the host's (confirmed) order: infrastructure, then software, each by
/// executing the change set the customer previewed when the host still renders exactly what it was made from, else
/// (a retry, or settings that moved since) with UpdateStack. The listener priority never changes. Outputs are refreshed.
/// </summary>
public sealed class EnvironmentUpdater(HostStackRenderer renderer, TemplatePolicy policy, StackDriver stacks, ICloudFormation cloudFormation, TimeProvider clock)
{
    public async Task<StepResult> StepAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        var order = new HostEnvironmentOrder(environment.Host.Customer.Slug, environment.Host, environment);
        var priority = environment.ListenerPriority ?? throw new ProvisioningRefusedException($"{environment.Kind} holds no listener priority; retry provisioning first.");
        var rendered = new[] { renderer.RenderInfrastructure(order), renderer.RenderSoftware(order, priority) };
        foreach (var stack in rendered)
        {
            var violations = policy.Check(stack);
            if (violations.Count > 0) throw new PolicyViolationException(stack, violations);
        }
        var change = await db.HostChanges.Include(c => c.Stacks)
            .Where(c => c.HostId == environment.HostId && c.State == HostChangeState.Applying)
            .OrderByDescending(c => c.ConfirmedAt).FirstOrDefaultAsync(cancellationToken);

        foreach (var stack in rendered)
        {
            var progress = await stacks.UpdateAsync(db, environment, stack, cancellationToken, ExecutePreviewed(environment, stack, change));
            if (progress.Kind != LayerProgressKind.Done) return StepResult.From(progress);
        }
        var software = await cloudFormation.DescribeStackAsync(environment.SoftwareStackId ?? rendered[1].StackName, cancellationToken)
            ?? throw new ProvisioningRefusedException($"Stack {rendered[1].StackName} vanished.");
        EnvironmentProvisioner.CopyOutputs(environment, software.Outputs);
        return StepResult.Finished;
    }

    /// <summary>Executes the previewed change set, once per attempt; null when it no longer matches (then UpdateStack applies the stack).</summary>
    private Func<CancellationToken, Task>? ExecutePreviewed(HostEnvironment environment, RenderedStack stack, HostChange? change)
    {
        var previewed = change?.Stacks.FirstOrDefault(s => s.Environment == environment.Kind && s.Layer == ChangePreviewer.LayerName(stack.Layer)
            && s.Status == ChangeSetState.Ready && s.TemplateHash == stack.TemplateHash && s.ChangeSetId is not null);
        if (previewed is null || previewed.ExecutedAt < environment.OperationStartedAt) return null;
        return async cancellationToken =>
        {
            if (previewed.ExecutedAt is not null) return; // executed in this attempt: its events are on their way
            await cloudFormation.ExecuteChangeSetAsync(previewed.ChangeSetId!, stack.StackName, environment.RequestToken(stack.Layer, "execute"), cancellationToken);
            previewed.ExecutedAt = clock.GetUtcNow();
        };
    }
}
