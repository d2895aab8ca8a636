using Portal.Aws;
using Portal.Aws.CloudFormation;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Moves one stack of a host environment toward what the current operation wants: created, updated or deleted.
/// Every call first reads where the stack stands, and every AWS call carries the attempt's client request token and
/// the platform's CloudFormation service role, so running a step twice, or after a crash, never starts a second stack
/// operation. A stack is this environment's only when it is the one recorded for it, or (a create whose answer was
/// lost) when it carries the environment's own id tag: a stack of that name that is not ours is never updated,
/// deleted or read from.
/// </summary>
public sealed class StackDriver(ICloudFormation cloudFormation, StackEventCopier events, PlatformSettings platform, ProvisioningOptions options,
    TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"];

    /// <summary>
    /// Done at once, without an AWS call, when this stack already completed with the same template and parameters.
    /// The result carries no stack description: ask for one when its outputs are needed.
    /// </summary>
    public async Task<LayerProgress> CreateAsync(PortalDbContext db, HostEnvironment environment, RenderedStack stack, CancellationToken cancellationToken)
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
                    Tags = Tags(stack),
                    Capabilities = Capabilities,
                    ClientRequestToken = environment.RequestToken(stack.Layer, "create"),
                    RoleArn = platform.CloudFormationRoleArn,
                }, cancellationToken);
                environment.SetStack(stack.Layer, stack.StackName, stackId);
                return LayerProgress.RunningFrom(clock.GetUtcNow());
            }
            catch (AwsAlreadyExistsException)
            {
                // Left by an earlier attempt whose answer was lost, or someone else's: carry on only if it is ours.
                var live = await cloudFormation.DescribeStackAsync(stack.StackName, cancellationToken);
                if (live is null) return LayerProgress.Running;
                if (!IsOurs(live, environment)) return LayerProgress.Failed(NotOurs(stack.StackName, environment));
                environment.SetStack(stack.Layer, stack.StackName, live.StackId);
                stackId = live.StackId;
            }
        }

        StackEventDescription? latest;
        try
        {
            latest = await events.CopyAsync(db, environment, stackId, cancellationToken);
        }
        catch (AwsNotFoundException) when (JustCreated(environment))
        {
            // CloudFormation is eventually consistent: a stack it has just created may briefly "not exist".
            return LayerProgress.Running;
        }
        catch (AwsNotFoundException e)
        {
            return LayerProgress.Failed($"{stack.StackName} was created ({stackId}) but CloudFormation still says it does not exist after " +
                $"{options.NotFoundAfterCreateGrace.TotalSeconds:0} s ({e.AwsMessage}). Retry to create it afresh.");
        }
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
                await cloudFormation.DeleteStackAsync(stackId, environment.RequestToken(stack.Layer, "cleanup"), platform.CloudFormationRoleArn,
                    cancellationToken: cancellationToken);
                return LayerProgress.Running;
            default:
                return await FailedAsync(db, environment, stack.StackName, stackId, latest, cancellationToken);
        }
    }

    /// <summary>The request token verb of an update: one stack update per verb and attempt.</summary>
    public const string UpdateVerb = "update";

    /// <summary>
    /// Applies <paramref name="stack"/> to the environment's recorded stack unless it already completed with the same
    /// template and parameters: with <paramref name="start"/> when given (executing a previewed change set), else with UpdateStack
    /// (its request token made of <paramref name="verb"/>). <paramref name="after"/> names the verb of an update this attempt
    /// made of the stack first (one that prepares this one): a completion of that one is not this one's, which then starts.
    /// </summary>
    public async Task<LayerProgress> UpdateAsync(PortalDbContext db, HostEnvironment environment, RenderedStack stack, CancellationToken cancellationToken,
        Func<CancellationToken, Task>? start = null, string verb = UpdateVerb, string? after = null)
    {
        if (environment.StackId(stack.Layer) is not { } stackId)
            return LayerProgress.Failed($"No {stack.Layer.ToString().ToLowerInvariant()} stack is recorded for this environment; retry its provisioning first.");
        if (environment.TemplateHash(stack.Layer) == stack.TemplateHash) return LayerProgress.Done(null);

        var latest = await events.CopyAsync(db, environment, stackId, cancellationToken);
        if (latest is null) return LayerProgress.Running;
        var fromThisAttempt = latest.Timestamp >= environment.OperationStartedAt;
        switch (StackStatus.Classify(latest.ResourceStatus))
        {
            case StackCondition.Busy:
                return LayerProgress.RunningFrom(latest.Timestamp);
            case StackCondition.Ready when fromThisAttempt && !StackStatus.IsRolledBackUpdate(latest.ResourceStatus)
                                           && after is not null && latest.ClientRequestToken == environment.RequestToken(stack.Layer, after):
                return await StartUpdateAsync(environment, stack, stackId, verb, start, cancellationToken);
            case StackCondition.Ready when fromThisAttempt && !StackStatus.IsRolledBackUpdate(latest.ResourceStatus):
                environment.SetTemplateHash(stack.Layer, stack.TemplateHash);
                return LayerProgress.Done(await cloudFormation.DescribeStackAsync(stackId, cancellationToken));
            case StackCondition.Ready when fromThisAttempt && environment.Recovery == StackRecovery.ContinueRollback:
                // The continued rollback finished: the stack is usable again, and this attempt applies the update afresh.
                environment.Recovered();
                return await StartUpdateAsync(environment, stack, stackId, "update-after-rollback", null, cancellationToken);
            case StackCondition.Ready when !fromThisAttempt:
                return await StartUpdateAsync(environment, stack, stackId, verb, start, cancellationToken);
            case StackCondition.UpdateStuck when !fromThisAttempt && environment.Recovery == StackRecovery.ContinueRollback
                                                 && latest.ResourceStatus == "UPDATE_ROLLBACK_FAILED":
                await cloudFormation.ContinueUpdateRollbackAsync(stackId, environment.RecoveryResources,
                    environment.RequestToken(stack.Layer, "continue-rollback"), platform.CloudFormationRoleArn, cancellationToken);
                return LayerProgress.RunningFrom(clock.GetUtcNow());
            case StackCondition.UpdateStuck:
                var stuck = await FailedAsync(db, environment, stack.StackName, stackId, latest, cancellationToken);
                return LayerProgress.Failed(stuck.FailureReason + " An operator can continue the rollback (skipping the resources that " +
                    "cannot be put back) from the fleet host page or POST /api/v1/operations/hosts/{id}/recovery.");
            default:
                return await FailedAsync(db, environment, stack.StackName, stackId, latest, cancellationToken);
        }
    }

    private async Task<LayerProgress> StartUpdateAsync(HostEnvironment environment, RenderedStack stack, string stackId, string purpose,
        Func<CancellationToken, Task>? start, CancellationToken cancellationToken)
    {
        if (start is not null)
        {
            await start(cancellationToken);
            return LayerProgress.RunningFrom(clock.GetUtcNow());
        }
        var update = await cloudFormation.UpdateStackAsync(new UpdateStackRequest(stackId, stack.TemplateBody)
        {
            Parameters = Inputs(stack),
            Tags = Tags(stack),
            Capabilities = Capabilities,
            ClientRequestToken = environment.RequestToken(stack.Layer, purpose),
            RoleArn = platform.CloudFormationRoleArn,
        }, cancellationToken);
        if (update is StackUpdate.NoChanges)
        {
            environment.SetTemplateHash(stack.Layer, stack.TemplateHash);
            return LayerProgress.Done(null);
        }
        return LayerProgress.RunningFrom(clock.GetUtcNow());
    }

    /// <summary>Within the grace period after this attempt began (when it created the stack), "does not exist" means "not yet visible".</summary>
    private bool JustCreated(HostEnvironment environment) =>
        environment.OperationStartedAt is { } started && clock.GetUtcNow() - started < options.NotFoundAfterCreateGrace;

    /// <summary>
    /// Deletes the environment's stack of <paramref name="layer"/>: the recorded one, else (a create whose answer was
    /// lost) the live stack of <paramref name="stackName"/> if it carries the environment's id tag; a stack of that name
    /// that is not ours is left alone, and the environment is done with the layer.
    /// </summary>
    public async Task<LayerProgress> DeleteAsync(PortalDbContext db, HostEnvironment environment, StackLayer layer, string stackName,
        CancellationToken cancellationToken)
    {
        var stackId = environment.StackId(layer);
        if (stackId is null)
        {
            var live = await cloudFormation.DescribeStackAsync(stackName, cancellationToken);
            if (live is null || live.StackStatus == "DELETE_COMPLETE" || !IsOurs(live, environment)) return LayerProgress.Done(null);
            environment.SetStack(layer, stackName, live.StackId);
            stackId = live.StackId;
        }

        var latest = await events.CopyAsync(db, environment, stackId, cancellationToken);
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
                var failed = await FailedAsync(db, environment, stackName, stackId, latest, cancellationToken);
                return LayerProgress.Failed(failed.FailureReason + " An operator can retry the delete keeping the resources that cannot be " +
                    "deleted (RetainResources) from the fleet host page or POST /api/v1/operations/hosts/{id}/recovery.");
            case StackCondition.DeleteFailed when environment.Recovery == StackRecovery.RetainResources:
                await cloudFormation.DeleteStackAsync(stackId, environment.RequestToken(layer, "delete-retaining"), platform.CloudFormationRoleArn,
                    environment.RecoveryResources, cancellationToken);
                return LayerProgress.Running;
            default:
                await cloudFormation.DeleteStackAsync(stackId, environment.RequestToken(layer, "delete"), platform.CloudFormationRoleArn,
                    cancellationToken: cancellationToken);
                return LayerProgress.Running;
        }
    }

    /// <summary>Whether the live stack carries this environment's own id tag (the renderer tags every stack with it).</summary>
    public static bool IsOurs(StackDescription stack, HostEnvironment environment) =>
        stack.Tags.Any(t => t.Key == RenderedStack.EnvironmentIdTag && t.Value == environment.Id.ToString());

    private static string NotOurs(string stackName, HostEnvironment environment) =>
        $"A stack named {stackName} already exists in the AWS account and is not this environment's (it does not carry the tag " +
        $"{RenderedStack.EnvironmentIdTag}={environment.Id}). The portal changed nothing and will not use it; an operator must find out " +
        "who made it, because the name is this host's own.";

    private static async Task<LayerProgress> FailedAsync(PortalDbContext db, HostEnvironment environment, string stackName, string stackId,
        StackEventDescription latest, CancellationToken cancellationToken)
    {
        var since = environment.OperationStartedAt ?? DateTimeOffset.MinValue;
        var reason = await StackEventCopier.FailureReasonAsync(db, environment, stackName, since, latest.ResourceStatusReason, cancellationToken);
        return LayerProgress.Failed($"{stackName} is {latest.ResourceStatus}: {reason}");
    }

    private static List<StackInputParameter> Inputs(RenderedStack stack) =>
        stack.Parameters.Select(p => new StackInputParameter(p.Key, p.Value)).ToList();

    private static List<StackInputTag> Tags(RenderedStack stack) =>
        stack.Tags.Select(t => new StackInputTag(t.Key, t.Value)).ToList();
}
