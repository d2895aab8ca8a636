using System.Xml.Linq;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.CloudFormation.Templates;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>CreateStack, UpdateStack and DeleteStack: checks as CloudFormation checks, then hands the work to the engine.</summary>
public sealed class StackCommands(StackEngine engine, FaultRules faults, StackVisibility visibility)
{
    public IEnumerable<XElement> Create(RegionState region, QueryInput input)
    {
        var name = input.Required("StackName");
        StackInput.CheckName(name, "stackName");
        var token = input.String("ClientRequestToken");
        var stackInput = StackInput.Read(input);
        var onFailure = OnFailure(input);
        var role = StackRole.Read(input, region.AccountId);
        var existing = region.Stacks.Read(stacks => StackLookup.Find(stacks, name));
        if (existing is not null)
            return Repeated(existing, "Create", token) ? StackId(existing.StackId) : throw AlreadyExists(name);

        var stackId = $"arn:{Arns.Partition(region.Name)}:cloudformation:{region.Name}:{region.AccountId}:stack/{name}/{Ids.Uuid()}";
        var identity = new StackIdentity(region.Name, region.AccountId, name, stackId, stackInput.NotificationArns ?? []);
        var deployment = StackDeployment.Prepare(region, stackInput.Body(null), stackInput.Parameters, stackInput.Capabilities, identity);
        var created = region.Stacks.Write(stacks =>
        {
            if (StackLookup.Find(stacks, name) is not null) return false;
            var stack = new StackRecord
            {
                StackId = stackId,
                StackName = name,
                CreationTime = DateTimeOffset.UtcNow,
                Description = deployment.Template.Description,
                TemplateBody = deployment.TemplateBody,
                Parameters = deployment.Parameters,
                Tags = [.. stackInput.Tags ?? []],
                Capabilities = [.. stackInput.Capabilities],
                NotificationArns = [.. stackInput.NotificationArns ?? []],
                RoleArn = role,
                DisableRollback = onFailure == "DO_NOTHING",
                TimeoutInMinutes = input.Int("TimeoutInMinutes"),
                EnableTerminationProtection = input.Bool("EnableTerminationProtection") ?? false,
                Operation = Operation("Create", deployment, token, onFailure),
            };
            Remember(stack, "Create", token);
            StackEvents.SetStatus(stack, StackStatuses.CreateInProgress, "User Initiated", token);
            stacks.Add(stack);
            return true;
        });
        if (!created) throw AlreadyExists(name);
        visibility.Hide(stackId, faults.ForNewStack(name));
        engine.StartCreate(region, stackId, deployment.Blueprint, token, onFailure);
        return StackId(stackId);
    }

    public IEnumerable<XElement> Update(RegionState region, QueryInput input)
    {
        var name = input.Required("StackName");
        var token = input.String("ClientRequestToken");
        var stackInput = StackInput.Read(input);
        var role = StackRole.Read(input, region.AccountId);
        var stack = region.Stacks.Read(stacks => StackLookup.RequireLive(stacks, name));
        if (Repeated(stack, "Update", token)) return StackId(stack.StackId);
        RequireUpdatable(stack);
        var tags = stackInput.Tags ?? stack.Tags;
        var deployment = StackDeployment.Prepare(region, stackInput.Body(stack), stackInput.Parameters, stackInput.Capabilities, Identity(region, stack, stackInput), stack.ParameterValues());
        if (deployment.ChangesNothing(stack, tags))
            throw AwsServiceException.Validation("No updates are to be performed.");
        RequireSameTypes(stack, deployment.Blueprint);
        StartUpdate(region, stack.StackId, deployment, stackInput, tags, token, changeSetId: null, role);
        return StackId(stack.StackId);
    }

    /// <summary>
    /// Marks the stack UPDATE_IN_PROGRESS with the new declaration and starts the engine (also for ExecuteChangeSet);
    /// a role given becomes the stack's, without one the stack keeps the role it has.
    /// </summary>
    public void StartUpdate(RegionState region, string stackId, StackDeployment deployment, StackInput stackInput, IReadOnlyList<StackTag> tags, string? token,
        string? changeSetId, string? role)
    {
        var before = region.Stacks.Change(stackId, stack =>
        {
            if (!StackStatuses.Updatable.Contains(stack.Status))
                throw NotUpdatable(stack);
            var snapshot = StackSnapshot.Of(stack);
            (stack.TemplateBody, stack.Description, stack.Parameters, stack.Tags) = (deployment.TemplateBody, deployment.Template.Description, deployment.Parameters, [.. tags]);
            stack.Capabilities = [.. stackInput.Capabilities];
            if (stackInput.NotificationArns is { } arns) stack.NotificationArns = [.. arns];
            stack.LastUpdatedTime = DateTimeOffset.UtcNow;
            stack.RoleArn = role ?? stack.RoleArn;
            stack.Operation = Operation("Update", deployment, token, "ROLLBACK");
            stack.Operation.ChangeSetId = changeSetId;
            // A change set was made against the stack as it was: an update by other means makes it obsolete (no longer executable).
            if (changeSetId is null)
                foreach (var changeSet in stack.ChangeSets.Where(c => c.ExecutionStatus == "AVAILABLE"))
                    changeSet.ExecutionStatus = "OBSOLETE";
            Remember(stack, "Update", token);
            StackEvents.SetStatus(stack, StackStatuses.UpdateInProgress, "User Initiated", token);
            return snapshot;
        });
        engine.StartUpdate(region, stackId, deployment.Blueprint, before, token, changeSetId);
    }

    public void Delete(RegionState region, QueryInput input)
    {
        var name = input.Required("StackName");
        var token = input.String("ClientRequestToken");
        var retain = input.Strings("RetainResources").ToHashSet(StringComparer.Ordinal);
        var role = StackRole.Read(input, region.AccountId);
        var start = region.Stacks.Write<(Start Kind, string StackId)>(stacks =>
        {
            // Deleting a stack that does not exist (or no longer does) succeeds, as in AWS.
            if (StackLookup.Find(stacks, name) is not { IsDeleted: false } stack) return (Start.Nothing, "");
            if (Repeated(stack, "Delete", token) || stack.Status == StackStatuses.DeleteInProgress) return (Start.Nothing, "");
            if (stack.EnableTerminationProtection)
                throw AwsServiceException.Validation($"Stack [{stack.StackName}] cannot be deleted while TerminationProtection is enabled");
            if (retain.Count > 0) CheckRetainable(stack, retain);
            if (stack.IsInProgress && stack.Status is not (StackStatuses.CreateInProgress or StackStatuses.ReviewInProgress))
                throw AwsServiceException.Validation($"Stack [{stack.StackId}] cannot be deleted while in status {stack.Status}");
            Remember(stack, "Delete", token);
            stack.RoleArn = role ?? stack.RoleArn;
            var wasCreating = stack.Status == StackStatuses.CreateInProgress;
            stack.Operation = new StackOperationRecord { Kind = "Delete", ClientRequestToken = token, TemplateBody = stack.TemplateBody };
            StackEvents.SetStatus(stack, StackStatuses.DeleteInProgress, "User Initiated", token);
            return (wasCreating ? Start.CancelCreation : Start.Delete, stack.StackId);
        });
        if (start.Kind == Start.Nothing) return;
        var stackId = start.StackId;
        if (start.Kind == Start.CancelCreation)
            engine.CancelCreation(stackId);
        else
            engine.StartDelete(region, stackId, token, retain);
    }

    /// <summary>RetainResources only for a stack in DELETE_FAILED, naming resources it has that are not deleted.</summary>
    private static void CheckRetainable(StackRecord stack, IReadOnlySet<string> retain)
    {
        if (stack.Status != StackStatuses.DeleteFailed)
            throw AwsServiceException.Validation($"Invalid operation on stack {stack.StackId}. When you delete a stack, specify which resources to retain only when the stack is in the DELETE_FAILED state.");
        if (retain.Any(id => stack.Resource(id) is not { } resource || resource.Status is StackStatuses.DeleteComplete or StackStatuses.DeleteSkipped))
            throw AwsServiceException.Validation("The specified resources to retain must be in a valid state. Do not specify resources that are in the DELETE_COMPLETE state.");
    }

    /// <summary>
    /// ContinueUpdateRollback: only for a stack in UPDATE_ROLLBACK_FAILED; ResourcesToSkip may name only resources
    /// whose putting back failed, which are marked UPDATE_COMPLETE and left as they are. The rollback then goes on.
    /// </summary>
    public void ContinueUpdateRollback(RegionState region, QueryInput input)
    {
        var name = input.Required("StackName");
        var token = input.String("ClientRequestToken");
        var role = StackRole.Read(input, region.AccountId);
        var skip = input.Strings("ResourcesToSkip").ToHashSet(StringComparer.Ordinal);
        var stackId = region.Stacks.Write(stacks =>
        {
            var stack = StackLookup.RequireLive(stacks, name);
            if (Repeated(stack, "ContinueUpdateRollback", token)) return null;
            if (stack.Status != StackStatuses.UpdateRollbackFailed || stack.PendingRollback is not { } pending)
                throw AwsServiceException.Validation($"ContinueUpdateRollback cannot be called from stack with {stack.Status} status");
            var failed = pending.Revert.Select(r => r.LogicalId).ToHashSet(StringComparer.Ordinal);
            if (skip.Where(id => !failed.Contains(id)).Order().ToList() is { Count: > 0 } wrong)
                throw AwsServiceException.Validation(
                    $"Cannot skip resource(s) [{string.Join(", ", wrong)}]: only resources in UPDATE_FAILED state because their rollback failed can be skipped");
            Remember(stack, "ContinueUpdateRollback", token);
            stack.RoleArn = role ?? stack.RoleArn;
            StackEvents.SetStatus(stack, StackStatuses.UpdateRollbackInProgress, "User Initiated", token);
            foreach (var resource in skip.Select(stack.Resource).OfType<StackResourceRecord>())
            {
                (resource.Status, resource.StatusReason, resource.Timestamp) = (StackStatuses.UpdateComplete, SkippedReason, DateTimeOffset.UtcNow);
                stack.Events.Add(StackEvents.New(stack, resource.LogicalId, resource.PhysicalId, resource.Type, StackStatuses.UpdateComplete, SkippedReason, token));
            }
            pending.Revert.RemoveAll(r => skip.Contains(r.LogicalId));
            return stack.StackId;
        });
        if (stackId is not null) engine.ContinueUpdateRollback(region, stackId, token);
    }

    private const string SkippedReason = "Resource skipped during UpdateRollback";

    public static StackIdentity Identity(RegionState region, StackRecord stack, StackInput input) =>
        new(region.Name, region.AccountId, stack.StackName, stack.StackId, input.NotificationArns ?? stack.NotificationArns);

    public static void RequireUpdatable(StackRecord stack)
    {
        if (!StackStatuses.Updatable.Contains(stack.Status)) throw NotUpdatable(stack);
    }

    /// <summary>CloudFormation refuses a template that changes a resource's type.</summary>
    public static void RequireSameTypes(StackRecord stack, StackBlueprint blueprint)
    {
        var changed = stack.Resources.Where(r => blueprint.Resources.TryGetValue(r.LogicalId, out var d) && d.Type != r.Type).Select(r => r.LogicalId).ToList();
        if (changed.Count > 0)
            throw AwsServiceException.Validation($"Update of resource type is not permitted. The new template modifies resource type of the following resources: [{string.Join(", ", changed)}]");
    }

    /// <summary>A ClientRequestToken already used for this operation on this stack makes the call a no-op.</summary>
    public static bool Repeated(StackRecord stack, string operation, string? token) =>
        token is not null && stack.ClientRequestTokens.Contains($"{operation}:{token}");

    public static void Remember(StackRecord stack, string operation, string? token)
    {
        if (token is not null) stack.ClientRequestTokens.Add($"{operation}:{token}");
    }

    public static StackOperationRecord Operation(string kind, StackDeployment deployment, string? token, string onFailure) => new()
    {
        Kind = kind,
        TemplateBody = deployment.TemplateBody,
        Parameters = deployment.Parameters,
        ClientRequestToken = token,
        OnFailure = onFailure,
    };

    private static AwsServiceException NotUpdatable(StackRecord stack) =>
        AwsServiceException.Validation($"Stack:{stack.StackId} is in {stack.Status} state and can not be updated.");

    private static AwsServiceException AlreadyExists(string name) => new("AlreadyExistsException", $"Stack [{name}] already exists");

    private static string OnFailure(QueryInput input)
    {
        var onFailure = input.String("OnFailure");
        var disableRollback = input.Bool("DisableRollback");
        if (onFailure is not null && disableRollback is not null)
            throw AwsServiceException.Validation("You cannot specify both DisableRollback and OnFailure.");
        if (onFailure is not (null or "ROLLBACK" or "DELETE" or "DO_NOTHING"))
            throw AwsServiceException.Validation($"1 validation error detected: Value '{onFailure}' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]");
        return onFailure ?? (disableRollback == true ? "DO_NOTHING" : "ROLLBACK");
    }

    private static IEnumerable<XElement> StackId(string stackId) => [new XElement("StackId", stackId)];

    private enum Start { Nothing, Delete, CancelCreation }
}
