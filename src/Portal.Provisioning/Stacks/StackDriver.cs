using Portal.Data.Entities;
using Portal.Provisioning.Aws;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Moves one stack of a host environment toward what the current operation wants: created, updated or deleted.
/// Every call first reads where the stack stands, and every AWS call carries the attempt's client request token,
/// so running a step twice, or after a crash, never starts a second stack operation.
/// </summary>
public sealed class StackDriver(ICloudFormation cloudFormation, StackEventCopier events, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"];

    /// <summary>
    /// Done at once, without an AWS call, when this stack already completed with the same template and parameters.
    /// The result carries no stack description: ask for one when its outputs are needed.
    /// </summary>
    public async Task<LayerProgress> CreateAsync(HostEnvironment environment, RenderedStack stack, CancellationToken cancellationToken)
    {
        if (environment.StackId(stack.Layer) is not null && environment.TemplateHash(stack.Layer) == stack.TemplateHash)
            return LayerProgress.Done(null);
        var stackId = environment.StackId(stack.Layer);
        if (stackId is null)
        {
            try
            {
                // The attempt's token makes a repeated call (after a crash) answer with the same stack.
                stackId = await cloudFormation.CreateStackAsync(new CreateStackRequest(stack.StackName, stack.TemplateBody)
                {
                    Parameters = Inputs(stack),
                    Tags = stack.Tags.Select(t => new StackInputTag(t.Key, t.Value)).ToList(),
                    Capabilities = Capabilities,
                    ClientRequestToken = environment.RequestToken(stack.Layer, "create"),
                }, cancellationToken);
                environment.SetStack(stack.Layer, stack.StackName, stackId);
                return LayerProgress.RunningFrom(clock.GetUtcNow());
            }
            catch (AwsException e) when (e.Code == "AlreadyExistsException")
            {
                // Left by an earlier attempt: carry on from where that stack stands.
                stackId = await FindAsync(environment, stack.Layer, stack.StackName, cancellationToken);
                if (stackId is null) return LayerProgress.Running;
            }
        }

        var latest = await events.CopyAsync(environment, stackId, cancellationToken);
        if (latest is null) return LayerProgress.Running;
        var fromThisAttempt = latest.Timestamp >= environment.OperationStartedAt;
        switch (StackStatus.Classify(latest.ResourceStatus))
        {
            case StackCondition.Busy:
                return LayerProgress.RunningFrom(latest.Timestamp);
            case StackCondition.Ready:
                environment.SetTemplateHash(stack.Layer, stack.TemplateHash);
                return LayerProgress.Done(null);
            case StackCondition.Deleted:
                // A failed stack of an earlier attempt is gone: the next look creates it afresh.
                environment.SetStack(stack.Layer, stack.StackName, null);
                return LayerProgress.Running;
            case StackCondition.CreateFailed or StackCondition.DeleteFailed when !fromThisAttempt:
                // AWS only lets a stack that failed to create be deleted; a retry clears it out first.
                await cloudFormation.DeleteStackAsync(stackId, environment.RequestToken(stack.Layer, "cleanup"), cancellationToken);
                return LayerProgress.Running;
            default:
                return await FailedAsync(environment, stack.StackName, stackId, latest, cancellationToken);
        }
    }

    /// <summary>
    /// Applies <paramref name="stack"/> unless the stack already completed with the same template and parameters:
    /// with <paramref name="start"/> when given (executing a previewed change set), else with UpdateStack.
    /// </summary>
    public async Task<LayerProgress> UpdateAsync(HostEnvironment environment, RenderedStack stack, CancellationToken cancellationToken, Func<CancellationToken, Task>? start = null)
    {
        var stackId = await FindAsync(environment, stack.Layer, stack.StackName, cancellationToken);
        if (stackId is null) return LayerProgress.Failed($"Stack {stack.StackName} does not exist.");
        if (environment.TemplateHash(stack.Layer) == stack.TemplateHash) return LayerProgress.Done(null);

        var latest = await events.CopyAsync(environment, stackId, cancellationToken);
        if (latest is null) return LayerProgress.Running;
        var fromThisAttempt = latest.Timestamp >= environment.OperationStartedAt;
        switch (StackStatus.Classify(latest.ResourceStatus))
        {
            case StackCondition.Busy:
                return LayerProgress.RunningFrom(latest.Timestamp);
            case StackCondition.Ready when fromThisAttempt && !StackStatus.IsRolledBackUpdate(latest.ResourceStatus):
                environment.SetTemplateHash(stack.Layer, stack.TemplateHash);
                return LayerProgress.Done(await cloudFormation.DescribeStackAsync(stackId, cancellationToken));
            case StackCondition.Ready when !fromThisAttempt:
                if (start is not null)
                {
                    await start(cancellationToken);
                    return LayerProgress.RunningFrom(clock.GetUtcNow());
                }
                try
                {
                    await cloudFormation.UpdateStackAsync(new UpdateStackRequest(stackId, stack.TemplateBody)
                    {
                        Parameters = Inputs(stack),
                        Tags = stack.Tags.Select(t => new StackInputTag(t.Key, t.Value)).ToList(),
                        Capabilities = Capabilities,
                        ClientRequestToken = environment.RequestToken(stack.Layer, "update"),
                    }, cancellationToken);
                }
                catch (AwsValidationException e) when (e.AwsMessage.Contains("No updates are to be performed", StringComparison.Ordinal))
                {
                    environment.SetTemplateHash(stack.Layer, stack.TemplateHash);
                    return LayerProgress.Done(null);
                }
                return LayerProgress.Running;
            default:
                return await FailedAsync(environment, stack.StackName, stackId, latest, cancellationToken);
        }
    }

    public async Task<LayerProgress> DeleteAsync(HostEnvironment environment, StackLayer layer, string stackName, CancellationToken cancellationToken)
    {
        var stackId = await FindAsync(environment, layer, stackName, cancellationToken);
        if (stackId is null) return LayerProgress.Done(null);

        var latest = await events.CopyAsync(environment, stackId, cancellationToken);
        var status = latest?.ResourceStatus ?? (await cloudFormation.DescribeStackAsync(stackId, cancellationToken))?.StackStatus ?? "DELETE_COMPLETE";
        switch (StackStatus.Classify(status))
        {
            case StackCondition.Busy:
                return LayerProgress.Running;
            case StackCondition.Deleted:
                environment.SetStack(layer, stackName, null);
                environment.SetTemplateHash(layer, null);
                return LayerProgress.Done(null);
            case StackCondition.DeleteFailed when latest is not null && latest.Timestamp >= environment.OperationStartedAt:
                return await FailedAsync(environment, stackName, stackId, latest, cancellationToken);
            default:
                await cloudFormation.DeleteStackAsync(stackId, environment.RequestToken(layer, "delete"), cancellationToken);
                return LayerProgress.Running;
        }
    }

    /// <summary>The stack's id: the one recorded, else the live stack of that name (recorded now), else null.</summary>
    private async Task<string?> FindAsync(HostEnvironment environment, StackLayer layer, string stackName, CancellationToken cancellationToken)
    {
        if (environment.StackId(layer) is { } known) return known;
        var live = await cloudFormation.DescribeStackAsync(stackName, cancellationToken);
        if (live is null || live.StackStatus == "DELETE_COMPLETE") return null;
        environment.SetStack(layer, stackName, live.StackId);
        return live.StackId;
    }

    private async Task<LayerProgress> FailedAsync(HostEnvironment environment, string stackName, string stackId, StackEventDescription latest, CancellationToken cancellationToken)
    {
        var since = environment.OperationStartedAt ?? DateTimeOffset.MinValue;
        var reason = await events.FailureReasonAsync(environment, stackName, since, latest.ResourceStatusReason, cancellationToken);
        return LayerProgress.Failed($"{stackName} is {latest.ResourceStatus}: {reason}");
    }

    private static List<StackInputParameter> Inputs(RenderedStack stack) =>
        stack.Parameters.Select(p => new StackInputParameter(p.Key, p.Value)).ToList();
}
