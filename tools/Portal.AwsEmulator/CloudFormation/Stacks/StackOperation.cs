using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Stacks;

/// <summary>How deleting a resource changes its record: stack deletion and rollback keep it as DELETE_COMPLETE, an
/// update removes it, and retiring the old physical resource of a replacement only writes events.</summary>
public enum DeleteMode { Keep, Remove, Retire }

/// <summary>
/// One running operation on one stack: creates, updates and deletes single resources with their stack events
/// (…_IN_PROGRESS, the configured delay, injected faults, …_COMPLETE or …_FAILED) and sets the stack's status.
/// </summary>
public sealed class StackOperation(RegionState region, string stackId, string? clientRequestToken, EmulatorTimings timings, FaultRules faults, CancellationToken lifetime)
{
    private StackStore Store => region.Stacks;

    public string StackId { get; } = stackId;
    public string? ClientRequestToken { get; } = clientRequestToken;
    public string StackName { get; } = region.Stacks.Change(stackId, s => s.StackName);
    public RegionState Region => region;
    public CancellationToken Lifetime { get; } = lifetime;

    // ---------- stack status and events ----------

    public void SetStackStatus(string status, string? reason = null) =>
        Store.Change(StackId, stack => StackEvents.SetStatus(stack, status, reason, ClientRequestToken));

    private void ResourceEvent(string logicalId, Action<StackResourceRecord>? change, string status, string? reason = null, string? physicalId = null, bool updateRecord = true) =>
        Store.Change(StackId, stack =>
        {
            var resource = stack.Resource(logicalId);
            if (resource is not null)
            {
                change?.Invoke(resource);
                if (updateRecord)
                {
                    resource.Status = status;
                    resource.StatusReason = reason;
                    resource.Timestamp = DateTimeOffset.UtcNow;
                }
            }
            stack.Events.Add(StackEvents.New(stack, logicalId, physicalId ?? resource?.PhysicalId, resource?.Type ?? "", status, reason, ClientRequestToken));
        });

    // ---------- resource steps ----------

    /// <summary>Creates a resource of the blueprint (as part of a create or an update: the events are the same).</summary>
    public async Task<StepOutcome> CreateAsync(StackBlueprint blueprint, string logicalId, CancellationToken cancellationToken)
    {
        var declaration = blueprint.Resources[logicalId];
        Store.Change(StackId, stack =>
        {
            if (stack.Resource(logicalId) is null) stack.Resources.Add(new StackResourceRecord { LogicalId = logicalId });
            var record = stack.Resource(logicalId)!;
            (record.Type, record.PhysicalId, record.DependsOn, record.DeletionPolicy, record.UpdateReplacePolicy) =
                (declaration.Type, null, [.. blueprint.Graph.Dependencies[logicalId]], declaration.DeletionPolicy, declaration.UpdateReplacePolicy);
        });
        ResourceEvent(logicalId, null, StackStatuses.CreateInProgress);
        try
        {
            var properties = Evaluate(blueprint, declaration);
            var provisioned = ResourceCatalog.For(declaration.Type).Create(Request(declaration.Type, logicalId, properties));
            ResourceEvent(logicalId, r => (r.PhysicalId, r.Attributes, r.Properties) = (provisioned.PhysicalId, provisioned.Attributes, properties),
                StackStatuses.CreateInProgress, "Resource creation Initiated");
            await StabiliseAsync(declaration.Type, logicalId, "Create", cancellationToken);
            ResourceEvent(logicalId, null, StackStatuses.CreateComplete);
            return StepOutcome.Succeeded;
        }
        catch (Exception error) when (Failure(error, cancellationToken) is { } reason)
        {
            ResourceEvent(logicalId, null, StackStatuses.CreateFailed, reason);
            return error is OperationCanceledException ? StepOutcome.Cancelled : StepOutcome.Failed;
        }
    }

    /// <summary>Finishes a resource whose creation was under way when the emulator stopped: it exists, it only needs its time.</summary>
    public async Task<StepOutcome> CompleteCreationAsync(string logicalId)
    {
        var type = Store.Change(StackId, stack => stack.Resource(logicalId)!.Type);
        await Task.Delay(timings.ResourceDelay(type), Lifetime);
        ResourceEvent(logicalId, null, StackStatuses.CreateComplete);
        return StepOutcome.Succeeded;
    }

    /// <summary>Brings an existing resource to the blueprint's properties: nothing when they are equal, an update in place, or a replacement.</summary>
    public async Task<StepOutcome> UpdateAsync(StackBlueprint blueprint, string logicalId, UpdateJournal journal, CancellationToken cancellationToken)
    {
        var before = Store.Change(StackId, stack => stack.Resource(logicalId)?.Copy());
        if (before is null || before.PhysicalId is null)
        {
            journal.Created(logicalId);
            return await CreateAsync(blueprint, logicalId, cancellationToken);
        }
        var declaration = blueprint.Resources[logicalId];
        var provisioner = ResourceCatalog.For(declaration.Type);
        JsonObject properties;
        try
        {
            properties = Evaluate(blueprint, declaration);
        }
        catch (AwsServiceException error)
        {
            journal.Touched(before);
            ResourceEvent(logicalId, null, StackStatuses.UpdateFailed, error.Message);
            return StepOutcome.Failed;
        }
        var dependencies = blueprint.Graph.Dependencies[logicalId].ToList();
        if (TemplateText.SameValue(before.Properties, properties))
        {
            Store.Change(StackId, stack => (stack.Resource(logicalId)!.DependsOn, stack.Resource(logicalId)!.DeletionPolicy, stack.Resource(logicalId)!.UpdateReplacePolicy) =
                (dependencies, declaration.DeletionPolicy, declaration.UpdateReplacePolicy));
            return StepOutcome.Succeeded;
        }
        journal.Touched(before);
        var replace = ChangedProperties(before.Properties, properties).Any(provisioner.Kind.RequiresReplacement);
        try
        {
            var request = Request(declaration.Type, logicalId, properties);
            if (replace && provisioner.Kind.NameProperty is { } nameProperty && properties[nameProperty] is not null
                && TemplateText.SameValue(before.Properties[nameProperty], properties[nameProperty]))
                throw new ResourceFailedException(
                    $"CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename {before.PhysicalId} and update the stack again.");
            if (replace)
            {
                ResourceEvent(logicalId, null, StackStatuses.UpdateInProgress, "Requested update requires the creation of a new physical resource; hence creating one.");
                var created = provisioner.Create(request);
                ResourceEvent(logicalId, r => (r.PhysicalId, r.Attributes, r.Properties) = (created.PhysicalId, created.Attributes, properties),
                    StackStatuses.UpdateInProgress, "Resource creation Initiated");
            }
            else
            {
                ResourceEvent(logicalId, null, StackStatuses.UpdateInProgress);
                var current = new ProvisionedResource { PhysicalId = before.PhysicalId, Attributes = (JsonObject)before.Attributes.DeepClone() };
                var updated = provisioner.Update(request, before.Properties, current);
                Store.Change(StackId, stack => (stack.Resource(logicalId)!.Attributes, stack.Resource(logicalId)!.Properties) = (updated.Attributes, properties));
            }
            Store.Change(StackId, stack => (stack.Resource(logicalId)!.DependsOn, stack.Resource(logicalId)!.DeletionPolicy, stack.Resource(logicalId)!.UpdateReplacePolicy) =
                (dependencies, declaration.DeletionPolicy, declaration.UpdateReplacePolicy));
            await StabiliseAsync(declaration.Type, logicalId, "Update", cancellationToken);
            ResourceEvent(logicalId, null, StackStatuses.UpdateComplete);
            return StepOutcome.Succeeded;
        }
        catch (Exception error) when (Failure(error, cancellationToken) is { } reason)
        {
            ResourceEvent(logicalId, null, StackStatuses.UpdateFailed, error is OperationCanceledException ? "Resource update cancelled" : reason);
            return error is OperationCanceledException ? StepOutcome.Cancelled : StepOutcome.Failed;
        }
    }

    /// <summary>Puts a resource back as it was before the update (its old physical resource and properties); false when that failed.</summary>
    public async Task<bool> RevertAsync(StackResourceRecord before, UpdateJournal journal)
    {
        var now = Store.Change(StackId, stack => stack.Resource(before.LogicalId)?.Copy());
        ResourceEvent(before.LogicalId, null, StackStatuses.UpdateInProgress);
        try
        {
            if (now?.PhysicalId is { } physicalId && physicalId != before.PhysicalId)
                journal.Abandoned(now);
            else if (now is not null && !TemplateText.SameValue(now.Properties, before.Properties))
                ResourceCatalog.For(before.Type).Update(Request(before.Type, before.LogicalId, before.Properties), now.Properties,
                    new ProvisionedResource { PhysicalId = now.PhysicalId ?? "", Attributes = now.Attributes });
            await Task.Delay(timings.ResourceDelay(before.Type), Lifetime);
            if (faults.ForResource(StackName, before.LogicalId, before.Type, "Rollback") is { } reason)
                throw new ResourceFailedException(reason);
        }
        catch (Exception error) when (error is ResourceFailedException or AwsServiceException)
        {
            ResourceEvent(before.LogicalId, null, StackStatuses.UpdateFailed, error.Message);
            return false;
        }
        ResourceEvent(before.LogicalId, r =>
        {
            (r.PhysicalId, r.Properties, r.Attributes, r.DependsOn) = (before.PhysicalId, before.Properties, before.Attributes, before.DependsOn);
            (r.DeletionPolicy, r.UpdateReplacePolicy) = (before.DeletionPolicy, before.UpdateReplacePolicy);
        }, StackStatuses.UpdateComplete);
        return true;
    }

    /// <summary>Deletes a resource (or skips it when its policy retains it).</summary>
    public async Task<StepOutcome> DeleteAsync(StackResourceRecord resource, DeleteMode mode, bool retain, CancellationToken cancellationToken)
    {
        var updateRecord = mode != DeleteMode.Retire;
        if (retain || (mode == DeleteMode.Retire ? resource.UpdateReplacePolicy : resource.DeletionPolicy) == "Retain")
        {
            ResourceEvent(resource.LogicalId, null, StackStatuses.DeleteSkipped, physicalId: resource.PhysicalId, updateRecord: updateRecord);
            Forget(resource.LogicalId, mode);
            return StepOutcome.Succeeded;
        }
        ResourceEvent(resource.LogicalId, null, StackStatuses.DeleteInProgress, physicalId: resource.PhysicalId, updateRecord: updateRecord);
        try
        {
            await StabiliseAsync(resource.Type, resource.LogicalId, "Delete", cancellationToken);
            if (resource.PhysicalId is { } physicalId)
                ResourceCatalog.For(resource.Type).Delete(Request(resource.Type, resource.LogicalId, resource.Properties),
                    new ProvisionedResource { PhysicalId = physicalId, Attributes = resource.Attributes });
            ResourceEvent(resource.LogicalId, null, StackStatuses.DeleteComplete, physicalId: resource.PhysicalId, updateRecord: updateRecord);
            Forget(resource.LogicalId, mode);
            return StepOutcome.Succeeded;
        }
        catch (Exception error) when (Failure(error, cancellationToken) is { } reason)
        {
            ResourceEvent(resource.LogicalId, null, StackStatuses.DeleteFailed, reason, physicalId: resource.PhysicalId, updateRecord: updateRecord);
            return error is OperationCanceledException ? StepOutcome.Cancelled : StepOutcome.Failed;
        }
    }

    // ---------- helpers ----------

    /// <summary>The properties with intrinsic functions resolved against the resources as they are now.</summary>
    public JsonObject Evaluate(StackBlueprint blueprint, ResourceDeclaration declaration)
    {
        var values = Store.Change(StackId, stack => ResourceValues.Of(stack));
        return new IntrinsicEvaluator(blueprint.Scope.With(values)).Evaluate(declaration.Properties) as JsonObject ?? [];
    }

    public ResourceValues Values() => Store.Change(StackId, stack => ResourceValues.Of(stack));

    private ResourceRequest Request(string type, string logicalId, JsonObject properties)
    {
        var tags = Store.Change(StackId, stack => stack.Tags.Select(t => KeyValuePair.Create(t.Key, t.Value)).ToList());
        return new ResourceRequest(StackName, StackId, logicalId, type, properties, region, tags);
    }

    /// <summary>The resource's configured time, then an injected fault if one matches.</summary>
    private async Task StabiliseAsync(string type, string logicalId, string operation, CancellationToken cancellationToken)
    {
        await Task.Delay(timings.ResourceDelay(type), cancellationToken);
        if (faults.ForResource(StackName, logicalId, type, operation) is { } reason)
            throw new ResourceFailedException(reason);
    }

    private void Forget(string logicalId, DeleteMode mode)
    {
        if (mode == DeleteMode.Remove)
            Store.Change(StackId, stack => stack.Resources.RemoveAll(r => r.LogicalId == logicalId));
    }

    /// <summary>The status reason of a failed step; null (rethrow) when the emulator's state was reset under it.</summary>
    private string? Failure(Exception error, CancellationToken cancellationToken) => error switch
    {
        OperationCanceledException when Lifetime.IsCancellationRequested => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => "Resource creation cancelled",
        ResourceFailedException or AwsServiceException => error.Message,
        _ => $"Internal failure: {error.Message}",
    };

    private static IEnumerable<string> ChangedProperties(JsonObject before, JsonObject after) =>
        before.Select(p => p.Key).Union(after.Select(p => p.Key))
            .Where(name => !TemplateText.SameValue(before[name], after[name]));
}

/// <summary>What an update changed, so a rollback can undo it and the cleanup can finish it.</summary>
public sealed class UpdateJournal
{
    private readonly Lock gate = new();
    private readonly List<string> created = [];
    private readonly List<StackResourceRecord> touched = [];
    private readonly List<StackResourceRecord> abandoned = [];

    public void Created(string logicalId) { lock (gate) created.Add(logicalId); }

    public void Touched(StackResourceRecord before) { lock (gate) touched.Add(before); }

    /// <summary>A physical resource the rollback left behind (the new one of a replacement), deleted in the cleanup.</summary>
    public void Abandoned(StackResourceRecord resource) { lock (gate) abandoned.Add(resource); }

    public IReadOnlyList<string> CreatedResources { get { lock (gate) return [.. created]; } }
    public IReadOnlyList<StackResourceRecord> TouchedResources { get { lock (gate) return [.. touched]; } }
    public IReadOnlyList<StackResourceRecord> AbandonedResources { get { lock (gate) return [.. abandoned]; } }
}
