using System.Collections.Concurrent;
using Portal.AwsEmulator.CloudFormation.Templates;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Stacks;

/// <summary>
/// Runs stack operations in the background as CloudFormation does: create (rolled back on failure), update (with
/// cleanup, or rolled back), delete; change set executions finish their change set. The API handlers have checked
/// the request and set the stack's first status before calling in.
/// </summary>
public sealed class StackEngine(EmulatorState state, EmulatorTimings timings, FaultRules faults, ILogger<StackEngine> logger)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> creations = new(StringComparer.Ordinal);

    public void StartCreate(RegionState region, string stackId, StackBlueprint blueprint, string? token, string onFailure, string? changeSetId = null)
    {
        // Registered before the work starts, so a DeleteStack right after CreateStack finds it.
        var creation = CancellationTokenSource.CreateLinkedTokenSource(state.Lifetime);
        creations[stackId] = creation;
        Run(region, stackId, token, operation => CreateAsync(operation, blueprint, onFailure, changeSetId, creation));
    }

    public void StartUpdate(RegionState region, string stackId, StackBlueprint blueprint, StackSnapshot before, string? token, string? changeSetId = null) =>
        Run(region, stackId, token, operation => UpdateAsync(operation, blueprint, before, changeSetId));

    public void StartDelete(RegionState region, string stackId, string? token, IReadOnlySet<string> retain) =>
        Run(region, stackId, token, operation => DeleteAsync(operation, retain));

    /// <summary>ContinueUpdateRollback (the stack is already UPDATE_ROLLBACK_IN_PROGRESS): finishes the rollback that failed.</summary>
    public void ContinueUpdateRollback(RegionState region, string stackId, string? token) =>
        Run(region, stackId, token, operation =>
        {
            var pending = operation.Region.Stacks.Change(stackId, s =>
            {
                var left = s.PendingRollback!;
                s.PendingRollback = null;
                return left;
            });
            return RollBackUpdateAsync(operation, pending);
        });

    /// <summary>
    /// DeleteStack during CREATE_IN_PROGRESS (the stack is already DELETE_IN_PROGRESS): the creation stops starting
    /// resources, and deletes what it made once the resources in flight are done.
    /// </summary>
    public void CancelCreation(string stackId)
    {
        if (creations.TryGetValue(stackId, out var creation)) creation.Cancel();
    }

    /// <summary>After the state was loaded: finishes what was running when it was saved (as well as it can).</summary>
    public void Resume(RegionState region)
    {
        var running = region.Stacks.Read(stacks => stacks.Where(s => s.IsInProgress && s.Status != StackStatuses.ReviewInProgress)
            .Select(s => (s.StackId, s.Status, s.Operation)).ToList());
        foreach (var (stackId, status, operation) in running)
        {
            try
            {
                Resume(region, stackId, status, operation);
            }
            catch (Exception error) when (error is Protocol.AwsServiceException or InvalidOperationException)
            {
                logger.LogWarning(error, "Stack {StackId} could not be resumed", stackId);
            }
        }
    }

    private void Resume(RegionState region, string stackId, string status, StackOperationRecord? operation)
    {
        switch (status)
        {
            case StackStatuses.CreateInProgress when operation is not null:
                StartCreate(region, stackId, Blueprint(region, stackId, operation), operation.ClientRequestToken, operation.OnFailure, operation.ChangeSetId);
                break;
            case StackStatuses.UpdateInProgress when operation is not null:
                var before = region.Stacks.Change(stackId, StackSnapshot.Of);
                StartUpdate(region, stackId, Blueprint(region, stackId, operation), before, operation.ClientRequestToken, operation.ChangeSetId);
                break;
            case StackStatuses.DeleteInProgress or StackStatuses.RollbackInProgress:
                Run(region, stackId, operation?.ClientRequestToken, op => status == StackStatuses.RollbackInProgress ? RollbackAsync(op) : DeleteAsync(op, new HashSet<string>()));
                break;
            default:
                // Update cleanup and rollback phases: the resources are as the stack says; only the final status is missing.
                var final = status.StartsWith("UPDATE_ROLLBACK", StringComparison.Ordinal) ? StackStatuses.UpdateRollbackComplete : StackStatuses.UpdateComplete;
                new StackOperation(region, stackId, operation?.ClientRequestToken, timings, faults, state.Lifetime).SetStackStatus(final);
                region.Stacks.Change(stackId, s => s.Operation = null);
                break;
        }
    }

    private static StackBlueprint Blueprint(RegionState region, string stackId, StackOperationRecord operation)
    {
        var identity = region.Stacks.Change(stackId, s => new StackIdentity(region.Name, region.AccountId, s.StackName, s.StackId, s.NotificationArns));
        return StackBlueprint.Build(Template.Parse(operation.TemplateBody), operation.Parameters.ToDictionary(p => p.Key, p => p.Value), identity, region.Stacks.Export);
    }

    private void Run(RegionState region, string stackId, string? token, Func<StackOperation, Task> work)
    {
        var operation = new StackOperation(region, stackId, token, timings, faults, state.Lifetime);
        _ = Task.Run(async () =>
        {
            try
            {
                await work(operation);
            }
            catch (OperationCanceledException) when (state.Lifetime.IsCancellationRequested)
            {
            }
            catch (Exception error)
            {
                logger.LogError(error, "Operation on stack {StackId} failed unexpectedly", stackId);
                operation.SetStackStatus(region.Stacks.Change(stackId, s => s.Status) switch
                {
                    StackStatuses.CreateInProgress or StackStatuses.RollbackInProgress => StackStatuses.RollbackFailed,
                    StackStatuses.DeleteInProgress => StackStatuses.DeleteFailed,
                    _ => StackStatuses.UpdateRollbackFailed,
                }, $"Internal failure: {error.Message}");
            }
        });
    }

    // ---------- create ----------

    private async Task CreateAsync(StackOperation operation, StackBlueprint blueprint, string onFailure, string? changeSetId, CancellationTokenSource creation)
    {
        ScheduleResult result;
        try
        {
            result = await DependencyScheduler.RunAsync(blueprint.Graph.Dependencies, (id, ct) => CreateOrKeepAsync(operation, blueprint, id, ct), stopOnFailure: true, creation.Token);
        }
        finally
        {
            creations.TryRemove(operation.StackId, out _);
            creation.Dispose();
        }
        operation.Lifetime.ThrowIfCancellationRequested();
        var failure = result.AllSucceeded ? CompleteOutputs(operation, blueprint) : $"The following resource(s) failed to create: [{string.Join(", ", result.Failed.Order())}]. ";
        var next = failure is null ? StackStatuses.CreateComplete
            : onFailure == "DO_NOTHING" ? StackStatuses.CreateFailed
            : onFailure == "DELETE" ? StackStatuses.DeleteInProgress
            : StackStatuses.RollbackInProgress;
        var reason = failure is null ? null : onFailure == "ROLLBACK" ? failure + "Rollback requested by user." : failure;
        // DeleteStack may have turned the stack DELETE_IN_PROGRESS meanwhile; then the creation ends in deleting.
        var deleting = operation.Region.Stacks.Change(operation.StackId, stack =>
        {
            if (stack.Status == StackStatuses.DeleteInProgress) return true;
            StackEvents.SetStatus(stack, next, reason, operation.ClientRequestToken);
            if (next is StackStatuses.CreateComplete or StackStatuses.CreateFailed) stack.Operation = null;
            return false;
        });
        Finish(operation, changeSetId, succeeded: failure is null && !deleting);
        if (deleting || next == StackStatuses.DeleteInProgress)
            await DeleteAsync(operation, new HashSet<string>());
        else if (next == StackStatuses.RollbackInProgress)
            await RollbackAsync(operation);
    }

    /// <summary>A resumed creation keeps the resources it had made (finished, or made and still stabilising).</summary>
    private static Task<StepOutcome> CreateOrKeepAsync(StackOperation operation, StackBlueprint blueprint, string logicalId, CancellationToken cancellationToken)
    {
        var resource = operation.Region.Stacks.Change(operation.StackId, s => s.Resource(logicalId)?.Copy());
        if (resource is { Status: StackStatuses.CreateComplete }) return Task.FromResult(StepOutcome.Succeeded);
        if (resource is { Status: StackStatuses.CreateInProgress, PhysicalId: not null }) return operation.CompleteCreationAsync(logicalId);
        return operation.CreateAsync(blueprint, logicalId, cancellationToken);
    }

    private static async Task RollbackAsync(StackOperation operation)
    {
        var failed = await DeleteResourcesAsync(operation, new HashSet<string>());
        operation.Region.Stacks.Change(operation.StackId, s =>
        {
            s.Operation = null;
            s.Outputs = [];
        });
        // The reason stays the one the rollback started with: why the creation failed.
        var reason = operation.Region.Stacks.Change(operation.StackId, s => s.StatusReason);
        operation.SetStackStatus(failed.Count == 0 ? StackStatuses.RollbackComplete : StackStatuses.RollbackFailed,
            failed.Count == 0 ? reason : $"The following resource(s) failed to delete: [{string.Join(", ", failed)}]. ");
    }

    // ---------- update ----------

    private static async Task UpdateAsync(StackOperation operation, StackBlueprint blueprint, StackSnapshot before, string? changeSetId)
    {
        var journal = new UpdateJournal();
        var result = await DependencyScheduler.RunAsync(blueprint.Graph.Dependencies, (id, ct) => operation.UpdateAsync(blueprint, id, journal, ct), stopOnFailure: true, operation.Lifetime);
        operation.Lifetime.ThrowIfCancellationRequested();
        var failure = result.AllSucceeded ? CompleteOutputs(operation, blueprint) : FailureReason(result, journal);
        if (failure is null)
        {
            operation.SetStackStatus(StackStatuses.UpdateCompleteCleanupInProgress);
            Finish(operation, changeSetId, succeeded: true);
            await CleanUpAsync(operation, blueprint, journal);
            operation.Region.Stacks.Change(operation.StackId, s => s.Operation = null);
            operation.SetStackStatus(StackStatuses.UpdateComplete);
            return;
        }
        operation.SetStackStatus(StackStatuses.UpdateRollbackInProgress, failure);
        Finish(operation, changeSetId, succeeded: false);
        await RollBackUpdateAsync(operation, new PendingRollback
        {
            Failure = failure,
            Before = before,
            Revert = [.. journal.TouchedResources.Reverse()],
            Created = [.. journal.CreatedResources],
            Abandoned = [.. journal.AbandonedResources],
        });
    }

    /// <summary>
    /// Puts back what the update changed, then cleans up (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS) and ends
    /// UPDATE_ROLLBACK_COMPLETE. A resource that cannot be put back leaves the stack UPDATE_ROLLBACK_FAILED, keeping
    /// what is left to do for ContinueUpdateRollback.
    /// </summary>
    private static async Task RollBackUpdateAsync(StackOperation operation, PendingRollback pending)
    {
        var journal = new UpdateJournal();
        foreach (var resource in pending.Abandoned) journal.Abandoned(resource);
        var failed = new List<StackResourceRecord>();
        foreach (var resource in pending.Revert)
            if (!await operation.RevertAsync(resource, journal)) failed.Add(resource);
        if (failed.Count > 0)
        {
            (pending.Revert, pending.Abandoned) = (failed, [.. journal.AbandonedResources]);
            operation.Region.Stacks.Change(operation.StackId, s => (s.PendingRollback, s.Operation) = (pending, null));
            operation.SetStackStatus(StackStatuses.UpdateRollbackFailed,
                $"The following resource(s) failed to update: [{string.Join(", ", failed.Select(r => r.LogicalId).Order())}]. ");
            return;
        }
        operation.SetStackStatus(StackStatuses.UpdateRollbackCompleteCleanupInProgress);
        var created = operation.Region.Stacks.Change(operation.StackId, s => pending.Created.Select(s.Resource).OfType<StackResourceRecord>().Select(r => r.Copy()).ToList());
        await DeleteAllAsync(operation, created, DeleteMode.Remove);
        await DeleteAllAsync(operation, journal.AbandonedResources, DeleteMode.Retire);
        operation.Region.Stacks.Change(operation.StackId, s =>
        {
            pending.Before.Restore(s);
            s.Operation = null;
        });
        operation.SetStackStatus(StackStatuses.UpdateRollbackComplete, pending.Failure);
    }

    /// <summary>Deletes the resources the new template dropped and the old physical resources of replacements.</summary>
    private static async Task CleanUpAsync(StackOperation operation, StackBlueprint blueprint, UpdateJournal journal)
    {
        var removed = operation.Region.Stacks.Change(operation.StackId, s =>
            s.Resources.Where(r => !blueprint.Resources.ContainsKey(r.LogicalId)).Select(r => r.Copy()).ToList());
        await DeleteInOrderAsync(operation, removed, DeleteMode.Remove, new HashSet<string>());
        var current = operation.Region.Stacks.Change(operation.StackId, s => s.Resources.ToDictionary(r => r.LogicalId, r => r.PhysicalId));
        var replaced = journal.TouchedResources.Where(before => current.TryGetValue(before.LogicalId, out var now) && now != before.PhysicalId).ToList();
        await DeleteAllAsync(operation, replaced, DeleteMode.Retire);
    }

    private static string FailureReason(ScheduleResult result, UpdateJournal journal)
    {
        var created = result.Failed.Where(journal.CreatedResources.Contains).Order().ToList();
        var updated = result.Failed.Except(created).Order().ToList();
        return string.Concat(
            created.Count > 0 ? $"The following resource(s) failed to create: [{string.Join(", ", created)}]. " : "",
            updated.Count > 0 ? $"The following resource(s) failed to update: [{string.Join(", ", updated)}]. " : "");
    }

    // ---------- delete ----------

    private static async Task DeleteAsync(StackOperation operation, IReadOnlySet<string> retain)
    {
        var failed = await DeleteResourcesAsync(operation, retain);
        if (failed.Count > 0)
        {
            operation.SetStackStatus(StackStatuses.DeleteFailed, $"The following resource(s) failed to delete: [{string.Join(", ", failed)}]. ");
            operation.Region.Stacks.Change(operation.StackId, s => s.Operation = null);
            return;
        }
        operation.Region.Stacks.Change(operation.StackId, s =>
        {
            s.DeletionTime = DateTimeOffset.UtcNow;
            s.Operation = null;
            s.ChangeSets.Clear();
        });
        operation.SetStackStatus(StackStatuses.DeleteComplete);
    }

    /// <summary>Deletes every resource not yet deleted, dependents first; returns the ones that failed.</summary>
    private static async Task<IReadOnlyList<string>> DeleteResourcesAsync(StackOperation operation, IReadOnlySet<string> retain)
    {
        var resources = operation.Region.Stacks.Change(operation.StackId, s =>
            s.Resources.Where(r => r.Status is not (StackStatuses.DeleteComplete or StackStatuses.DeleteSkipped)).Select(r => r.Copy()).ToList());
        var result = await DeleteInOrderAsync(operation, resources, DeleteMode.Keep, retain);
        return result.Failed.Order().ToList();
    }

    private static Task<ScheduleResult> DeleteInOrderAsync(StackOperation operation, IReadOnlyList<StackResourceRecord> resources, DeleteMode mode, IReadOnlySet<string> retain)
    {
        var byId = resources.ToDictionary(r => r.LogicalId, StringComparer.Ordinal);
        var waitsFor = resources.ToDictionary(r => r.LogicalId,
            r => (IReadOnlySet<string>)resources.Where(other => other.DependsOn.Contains(r.LogicalId)).Select(other => other.LogicalId).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        return DependencyScheduler.RunAsync(waitsFor, (id, ct) => operation.DeleteAsync(byId[id], mode, retain.Contains(id), ct), stopOnFailure: false, operation.Lifetime);
    }

    private static async Task DeleteAllAsync(StackOperation operation, IReadOnlyList<StackResourceRecord> resources, DeleteMode mode)
    {
        foreach (var resource in resources)
            await operation.DeleteAsync(resource, mode, retain: false, operation.Lifetime);
    }

    // ---------- shared ----------

    /// <summary>Computes and stores the outputs; returns the failure reason when they cannot be computed.</summary>
    private static string? CompleteOutputs(StackOperation operation, StackBlueprint blueprint)
    {
        try
        {
            var outputs = StackOutputs.Evaluate(blueprint, operation.Values());
            var stackId = operation.StackId;
            var conflict = operation.Region.Stacks.Read(stacks => outputs.Where(o => o.ExportName is not null)
                .Select(o => (o.ExportName, Owner: stacks.FirstOrDefault(s => s.StackId != stackId && !s.IsDeleted && s.Outputs.Any(x => x.ExportName == o.ExportName))))
                .FirstOrDefault(c => c.Owner is not null));
            if (conflict.Owner is not null)
                return $"Export with name {conflict.ExportName} is already exported by stack {conflict.Owner.StackName}";
            operation.Region.Stacks.Change(stackId, s => s.Outputs = outputs);
            return null;
        }
        catch (Protocol.AwsServiceException error)
        {
            return error.Message;
        }
    }

    private static void Finish(StackOperation operation, string? changeSetId, bool succeeded)
    {
        if (changeSetId is null) return;
        operation.Region.Stacks.Change(operation.StackId, s =>
        {
            if (s.ChangeSets.FirstOrDefault(c => c.ChangeSetId == changeSetId) is { } changeSet)
                changeSet.ExecutionStatus = succeeded ? "EXECUTE_COMPLETE" : "EXECUTE_FAILED";
        });
    }
}
