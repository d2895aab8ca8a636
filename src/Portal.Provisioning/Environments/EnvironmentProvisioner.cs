using Portal.Aws.CloudFormation;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Stacks;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Environments;

/// <summary>
/// Provisions one host environment: its listener priority and the infrastructure stack, then the software stack,
/// then copies the outputs. Both stacks pass the template policy before the first AWS call.
/// </summary>
public sealed class EnvironmentProvisioner(HostStackRenderer renderer, TemplatePolicy policy, ListenerPriorityAllocator priorities, StackDriver stacks, ICloudFormation cloudFormation)
{
    public async Task<StepResult> StepAsync(PortalDbContext db, HostEnvironment environment, CancellationToken cancellationToken)
    {
        var order = new HostEnvironmentOrder(environment.Host.Customer.Slug, environment.Host, environment);
        AwsNames.Record(order);
        // Rendered with a placeholder priority so a policy violation stops the order before it holds a priority.
        var infrastructure = renderer.RenderInfrastructure(order);
        EnsurePolicy(infrastructure);
        EnsurePolicy(renderer.RenderSoftware(order, environment.ListenerPriority ?? HostStackRenderer.MinListenerPriority));

        // The infrastructure stack needs no listener: it starts while the placement waits for its turn.
        var held = await ListenerPriorityAllocator.HeldAsync(db, environment, cancellationToken);
        var placing = held is { } placed ? Task.FromResult(placed) : priorities.PlaceAsync(environment, cancellationToken);
        var creating = stacks.CreateAsync(db, environment, infrastructure, cancellationToken);
        await Task.WhenAll(placing, creating);
        (environment.ListenerArn, var priority) = await placing;
        environment.ListenerPriority = priority;
        var software = renderer.RenderSoftware(order, priority);

        var infrastructureProgress = await creating;
        if (infrastructureProgress.Kind != LayerProgressKind.Done) return StepResult.From(infrastructureProgress);

        var softwareProgress = await stacks.CreateAsync(db, environment, software, cancellationToken);
        if (softwareProgress.Kind != LayerProgressKind.Done) return StepResult.From(softwareProgress);

        var stack = softwareProgress.Stack ?? await cloudFormation.DescribeStackAsync(environment.SoftwareStackId!, cancellationToken)
            ?? throw new ProvisioningRefusedException($"Stack {software.StackName} vanished.");
        CopyOutputs(environment, stack.Outputs);
        return StepResult.Finished;
    }

    /// <summary>Outputs of the software stack (site URL, database endpoint, secret ARN, pipeline name...). They never hold a password.</summary>
    public static void CopyOutputs(HostEnvironment environment, IReadOnlyDictionary<string, string> outputs)
    {
        environment.Outputs = new Dictionary<string, string>(outputs);
        if (outputs.TryGetValue("PipelineName", out var pipeline)) environment.PipelineName = pipeline;
    }

    private void EnsurePolicy(RenderedStack stack)
    {
        var violations = policy.Check(stack);
        if (violations.Count > 0) throw new PolicyViolationException(stack, violations);
    }
}
