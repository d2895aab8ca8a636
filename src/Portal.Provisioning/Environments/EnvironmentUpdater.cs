using Microsoft.EntityFrameworkCore;
using Portal.Aws.CloudFormation;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Stacks;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Environments;

/// <summary>
/// Updates one host environment's stacks to the host's (confirmed) order: infrastructure, then software, each by
/// executing the change set the customer previewed when the host still renders exactly what it was made from, else
/// (a retry, or settings that moved since) with UpdateStack. The listener priority never changes. Outputs are refreshed.
/// A software stack that drops its custom domain is updated twice: first its dedicated load balancer's deletion protection
/// is lifted, then the stack is updated to the order, which deletes the load balancer.
/// </summary>
public sealed class EnvironmentUpdater(HostStackRenderer renderer, TemplatePolicy policy, StackDriver stacks, ICloudFormation cloudFormation, TimeProvider clock)
{
    /// <summary>The request token verb of the update that lifts the dedicated load balancer's deletion protection.</summary>
    private const string LiftVerb = "lift-protection";

    public async Task<StepResult> StepAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        var order = new HostEnvironmentOrder(environment.Host.Customer.Slug, environment.Host, environment);
        var priority = environment.ListenerPriority ?? throw new ProvisioningRefusedException($"{environment.Kind} holds no listener priority; retry provisioning first.");
        var (infrastructure, software) = (renderer.RenderInfrastructure(order), renderer.RenderSoftware(order, priority));
        EnsurePolicy(infrastructure);
        EnsurePolicy(software);
        var change = await db.HostChanges.Include(c => c.Stacks)
            .Where(c => c.HostId == environment.HostId && c.State == HostChangeState.Applying)
            .OrderByDescending(c => c.ConfirmedAt).FirstOrDefaultAsync(cancellationToken);

        var progress = await stacks.UpdateAsync(db, environment, infrastructure, cancellationToken, ExecutePreviewed(environment, infrastructure, change));
        if (progress.Kind != LayerProgressKind.Done) return StepResult.From(progress);
        progress = DropsCustomDomain(environment, software)
            ? await DropCustomDomainAsync(db, environment, software, cancellationToken)
            : await stacks.UpdateAsync(db, environment, software, cancellationToken, ExecutePreviewed(environment, software, change));
        if (progress.Kind != LayerProgressKind.Done) return StepResult.From(progress);

        var live = await LiveSoftwareAsync(environment, software, cancellationToken);
        EnvironmentProvisioner.CopyOutputs(environment, live.Outputs);
        return StepResult.Finished;
    }

    /// <summary>The stack as last applied serves a custom domain on a dedicated load balancer (its outputs say so) and the order has none.</summary>
    private static bool DropsCustomDomain(HostEnvironment environment, RenderedStack software) =>
        software.Parameter(HostStackRenderer.CustomDomainParameter) is "" && environment.Outputs.ContainsKey(HostDnsRecords.DedicatedLoadBalancerDnsName);

    /// <summary>
    /// While the live stack still serves the domain, an update (the order, the domain kept, the protection lifted) comes
    /// first; then the order is applied with UpdateStack, the same template and parameters as previewed: the previewed change
    /// set was made against the stack before the first update, which makes it obsolete.
    /// </summary>
    private async Task<LayerProgress> DropCustomDomainAsync(PortalDbContext db, HostEnvironment environment, RenderedStack software,
        CancellationToken cancellationToken)
    {
        var live = await LiveSoftwareAsync(environment, software, cancellationToken);
        var domain = live.Parameters.FirstOrDefault(p => p.Key == HostStackRenderer.CustomDomainParameter)?.Value;
        if (!string.IsNullOrEmpty(domain))
        {
            var certificate = live.Parameters.FirstOrDefault(p => p.Key == HostStackRenderer.CertificateArnParameter)?.Value ?? "";
            var lift = HostStackRenderer.LiftDedicatedLoadBalancerProtection(software, domain, certificate);
            EnsurePolicy(lift);
            var lifted = await stacks.UpdateAsync(db, environment, lift, cancellationToken, verb: LiftVerb);
            if (lifted.Kind != LayerProgressKind.Done) return lifted;
        }
        return await stacks.UpdateAsync(db, environment, software, cancellationToken, after: LiftVerb);
    }

    /// <summary>The environment's software stack as CloudFormation has it now.</summary>
    private async Task<StackDescription> LiveSoftwareAsync(HostEnvironment environment, RenderedStack software, CancellationToken cancellationToken) =>
        await cloudFormation.DescribeStackAsync(environment.SoftwareStackId ?? software.StackName, cancellationToken)
        ?? throw new ProvisioningRefusedException($"Stack {software.StackName} vanished.");

    private void EnsurePolicy(RenderedStack stack)
    {
        var violations = policy.Check(stack);
        if (violations.Count > 0) throw new PolicyViolationException(stack, violations);
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
