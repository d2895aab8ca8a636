using System.Xml.Linq;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.CloudFormation.Templates;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>
/// CreateChangeSet (CREATE_PENDING → CREATE_IN_PROGRESS → CREATE_COMPLETE, or FAILED when nothing would change),
/// DescribeChangeSet, ExecuteChangeSet and DeleteChangeSet.
/// </summary>
public sealed class ChangeSetCommands(EmulatorState state, StackCommands stacks, StackEngine engine, EmulatorTimings timings)
{
    private const int ChangesPageSize = 100;
    private const string NoChanges = "The submitted information didn't contain changes. Submit different information to create a change set.";

    public IEnumerable<XElement> Create(RegionState region, QueryInput input)
    {
        var stackName = input.Required("StackName");
        var name = input.Required("ChangeSetName");
        StackInput.CheckName(stackName, "stackName");
        StackInput.CheckName(name, "changeSetName");
        var type = input.String("ChangeSetType") ?? "UPDATE";
        if (type is not ("CREATE" or "UPDATE"))
            throw AwsServiceException.Validation($"ChangeSetType {type} is not supported by the emulator (CREATE or UPDATE).");
        var clientToken = input.String("ClientToken");
        var stackInput = StackInput.Read(input);
        var role = StackRole.Read(input, region.AccountId);
        var stack = region.Stacks.Read(s => StackLookup.Find(s, stackName));
        if (stack?.ChangeSets.FirstOrDefault(c => c.ChangeSetName == name) is { } known)
            return clientToken is not null && known.ClientToken == clientToken
                ? Created(known.ChangeSetId, stack.StackId)
                : throw new AwsServiceException("AlreadyExistsException", $"ChangeSet {name} already exists");
        if (type == "UPDATE")
        {
            if (stack is null) throw AwsServiceException.Validation($"Stack [{stackName}] does not exist");
            StackCommands.RequireUpdatable(stack);
        }
        else if (stack is not null && stack.Status != StackStatuses.ReviewInProgress)
            throw new AwsServiceException("AlreadyExistsException", $"Stack [{stackName}] already exists and cannot be created again with the changeSet [{name}].");

        var stackId = stack?.StackId ?? $"arn:{Arns.Partition(region.Name)}:cloudformation:{region.Name}:{region.AccountId}:stack/{stackName}/{Ids.Uuid()}";
        var identity = new StackIdentity(region.Name, region.AccountId, stackName, stackId, stackInput.NotificationArns ?? stack?.NotificationArns ?? []);
        var deployment = StackDeployment.Prepare(region, stackInput.Body(stack), stackInput.Parameters, stackInput.Capabilities, identity, stack?.ParameterValues());
        if (stack is not null) StackCommands.RequireSameTypes(stack, deployment.Blueprint);
        var changeSet = new ChangeSetRecord
        {
            ChangeSetId = $"arn:{Arns.Partition(region.Name)}:cloudformation:{region.Name}:{region.AccountId}:changeSet/{name}/{Ids.Uuid()}",
            ChangeSetName = name,
            Description = input.String("Description"),
            ChangeSetType = type,
            CreationTime = DateTimeOffset.UtcNow,
            TemplateBody = deployment.TemplateBody,
            Parameters = deployment.Parameters,
            Tags = [.. stackInput.Tags ?? stack?.Tags ?? []],
            Capabilities = [.. stackInput.Capabilities],
            NotificationArns = [.. stackInput.NotificationArns ?? stack?.NotificationArns ?? []],
            ClientToken = clientToken,
            RoleArn = role,
        };
        region.Stacks.Write(all =>
        {
            var target = StackLookup.Find(all, stackName);
            if (target is null)
            {
                target = new StackRecord { StackId = stackId, StackName = stackName, CreationTime = DateTimeOffset.UtcNow, TemplateBody = "" };
                StackEvents.SetStatus(target, StackStatuses.ReviewInProgress, "User Initiated", null);
                all.Add(target);
            }
            target.ChangeSets.Add(changeSet);
            return true;
        });
        _ = Task.Run(() => PrepareAsync(region, stackId, changeSet.ChangeSetId, deployment, state.Lifetime));
        return Created(changeSet.ChangeSetId, stackId);
    }

    /// <summary>Works out the changes after the configured delay, as CloudFormation does in the background.</summary>
    private async Task PrepareAsync(RegionState region, string stackId, string changeSetId, StackDeployment deployment, CancellationToken lifetime)
    {
        try
        {
            await Task.Delay(timings.ChangeSetDelay / 2, lifetime);
            region.Stacks.Change(stackId, s => Update(s, changeSetId, c => c.Status = "CREATE_IN_PROGRESS"));
            await Task.Delay(timings.ChangeSetDelay / 2, lifetime);
            region.Stacks.Change(stackId, stack => Update(stack, changeSetId, changeSet =>
            {
                try
                {
                    changeSet.Changes = ChangePlanner.Plan(stack, deployment.Blueprint);
                    var nothing = changeSet.ChangeSetType == "UPDATE" && deployment.ChangesNothing(stack, changeSet.Tags);
                    (changeSet.Status, changeSet.StatusReason, changeSet.ExecutionStatus) = nothing
                        ? ("FAILED", NoChanges, "UNAVAILABLE")
                        : ("CREATE_COMPLETE", null, "AVAILABLE");
                }
                catch (AwsServiceException error)
                {
                    (changeSet.Status, changeSet.StatusReason, changeSet.ExecutionStatus) = ("FAILED", error.Message, "UNAVAILABLE");
                }
            }));
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
    }

    public IEnumerable<XElement> Describe(RegionState region, QueryInput input)
    {
        var (name, stackName) = (input.Required("ChangeSetName"), input.String("StackName"));
        var token = input.String("NextToken");
        return region.Stacks.Read(all =>
        {
            var (stack, changeSet) = Find(all, name, stackName);
            var listing = $"changes:{changeSet.ChangeSetId}";
            var position = PageToken.Decode(listing, token) ?? throw AwsServiceException.Validation("Invalid NextToken");
            var (page, next) = PageToken.Page(changeSet.Changes, listing, position, ChangesPageSize);
            return CloudFormationXml.ChangeSet(stack, changeSet, page, next).OfType<XElement>().ToList();
        });
    }

    public IEnumerable<XElement> Execute(RegionState region, QueryInput input)
    {
        var (name, stackName) = (input.Required("ChangeSetName"), input.String("StackName"));
        var token = input.String("ClientRequestToken");
        var (stack, changeSet) = region.Stacks.Read(all => Find(all, name, stackName));
        if (StackCommands.Repeated(stack, "Execute", token)) return [];
        if (changeSet.ExecutionStatus != "AVAILABLE")
            throw new AwsServiceException("InvalidChangeSetStatus", $"ChangeSet [{changeSet.ChangeSetId}] cannot be executed in its current status of [{changeSet.Status}]");
        var stackInput = new StackInput(changeSet.TemplateBody, false, changeSet.Parameters.Select(p => new ParameterInput(p.Key, p.Value)).ToList(),
            changeSet.Tags, changeSet.Capabilities, changeSet.NotificationArns);
        var deployment = StackDeployment.Prepare(region, changeSet.TemplateBody, stackInput.Parameters, changeSet.Capabilities,
            StackCommands.Identity(region, stack, stackInput), stack.ParameterValues());
        region.Stacks.Change(stack.StackId, s =>
        {
            // Executing a change set makes the stack's other change sets obsolete; CloudFormation deletes them.
            s.ChangeSets.RemoveAll(c => c.ChangeSetId != changeSet.ChangeSetId);
            Update(s, changeSet.ChangeSetId, c => c.ExecutionStatus = "EXECUTE_IN_PROGRESS");
            StackCommands.Remember(s, "Execute", token);
        });
        if (changeSet.ChangeSetType == "UPDATE")
        {
            stacks.StartUpdate(region, stack.StackId, deployment, stackInput, changeSet.Tags, token, changeSet.ChangeSetId, changeSet.RoleArn);
            return [];
        }
        region.Stacks.Change(stack.StackId, s =>
        {
            if (s.Status != StackStatuses.ReviewInProgress)
                throw AwsServiceException.Validation($"Stack:{s.StackId} is in {s.Status} state and can not be updated.");
            (s.TemplateBody, s.Description, s.Parameters, s.Tags) = (deployment.TemplateBody, deployment.Template.Description, deployment.Parameters, [.. changeSet.Tags]);
            (s.Capabilities, s.NotificationArns, s.CreationTime) = ([.. changeSet.Capabilities], [.. changeSet.NotificationArns], DateTimeOffset.UtcNow);
            s.RoleArn = changeSet.RoleArn ?? s.RoleArn;
            s.Operation = StackCommands.Operation("Create", deployment, token, "ROLLBACK");
            s.Operation.ChangeSetId = changeSet.ChangeSetId;
            StackEvents.SetStatus(s, StackStatuses.CreateInProgress, "User Initiated", token);
        });
        engine.StartCreate(region, stack.StackId, deployment.Blueprint, token, "ROLLBACK", changeSet.ChangeSetId);
        return [];
    }

    public IEnumerable<XElement> Delete(RegionState region, QueryInput input)
    {
        var (name, stackName) = (input.Required("ChangeSetName"), input.String("StackName"));
        region.Stacks.Write(all =>
        {
            var (stack, changeSet) = Find(all, name, stackName);
            if (changeSet.ExecutionStatus == "EXECUTE_IN_PROGRESS")
                throw new AwsServiceException("InvalidChangeSetStatus", $"ChangeSet [{changeSet.ChangeSetId}] cannot be deleted in its current status of [{changeSet.ExecutionStatus}]");
            return stack.ChangeSets.Remove(changeSet);
        });
        return [];
    }

    /// <summary>By ARN, or by name within the stack named.</summary>
    private static (StackRecord Stack, ChangeSetRecord ChangeSet) Find(IReadOnlyList<StackRecord> all, string name, string? stackName)
    {
        if (name.StartsWith("arn:", StringComparison.Ordinal))
        {
            foreach (var stack in all)
                if (stack.ChangeSets.FirstOrDefault(c => c.ChangeSetId == name) is { } byArn)
                    return (stack, byArn);
            throw NotFound(name);
        }
        if (stackName is null)
            throw AwsServiceException.Validation("StackName must be specified if ChangeSetName is not specified as an ARN.");
        var owner = StackLookup.Find(all, stackName) ?? throw NotFound(name);
        return (owner, owner.ChangeSets.FirstOrDefault(c => c.ChangeSetName == name) ?? throw NotFound(name));
    }

    private static void Update(StackRecord stack, string changeSetId, Action<ChangeSetRecord> change)
    {
        if (stack.ChangeSets.FirstOrDefault(c => c.ChangeSetId == changeSetId) is { } changeSet) change(changeSet);
    }

    private static AwsServiceException NotFound(string name) => new("ChangeSetNotFound", $"ChangeSet [{name}] does not exist");

    private static IEnumerable<XElement> Created(string changeSetId, string stackId) =>
        [new XElement("Id", changeSetId), new XElement("StackId", stackId)];
}
