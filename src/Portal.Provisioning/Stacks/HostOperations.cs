using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Jobs;

namespace Portal.Provisioning.Stacks;

/// <summary>What became of a request to start an operation on a host.</summary>
public sealed record HostOperationResult(HostOperationOutcome Outcome, string? Message = null)
{
    public static readonly HostOperationResult Started = new(HostOperationOutcome.Started);
    public static readonly HostOperationResult NotFound = new(HostOperationOutcome.NotFound, "No such host.");
    public static HostOperationResult Conflict(string message) => new(HostOperationOutcome.Conflict, message);
}

public enum HostOperationOutcome { Started, NotFound, Conflict }

/// <summary>
/// Starts operations on a host's environments: provisioning an order, retrying what failed, decommissioning.
/// Each writes the environments' new operation and its audit entry in one transaction, then schedules the jobs;
/// a crash in between leaves an overdue check that the reconciler resumes.
/// </summary>
public sealed class HostOperations(PortalDbContext db, CheckScheduler scheduler, TimeProvider clock)
{
    /// <summary>Provisions an Ordered host (called after the order is saved and by the reconciler for any it missed).</summary>
    public async Task<HostOperationResult> StartProvisioningAsync(Guid hostId, CancellationToken cancellationToken = default)
    {
        var host = await LoadAsync(hostId, cancellationToken);
        if (host is null) return HostOperationResult.NotFound;
        if (host.State != HostState.Ordered) return HostOperationResult.Conflict($"The host is {host.State}, not Ordered.");
        return await BeginAsync(host, host.Environments, EnvironmentOperation.Provision, Actor.System, "host.provision-started", cancellationToken);
    }

    /// <summary>Runs the failed operation of every failed environment again, as a fresh attempt.</summary>
    public async Task<HostOperationResult> RetryAsync(Guid hostId, Actor actor, CancellationToken cancellationToken = default)
    {
        var host = await LoadAsync(hostId, cancellationToken);
        if (host is null) return HostOperationResult.NotFound;
        var failed = host.Environments.Where(e => e.State == EnvironmentState.Failed).ToList();
        if (failed.Count == 0) return HostOperationResult.Conflict("Nothing has failed: there is nothing to retry.");
        var now = clock.GetUtcNow();
        var checks = failed.Select(e => Begin(e, e.Operation == EnvironmentOperation.None ? EnvironmentOperation.Provision : e.Operation, now)).ToList();
        HostStates.Rollup(host, now);
        db.Record(actor, "host.retry", string.Join(", ", failed.Select(e => $"{e.Kind} {e.Operation}")), host.CustomerId, host.Id);
        return await SaveAndScheduleAsync(checks, cancellationToken);
    }

    /// <summary>Deletes every stack of the host and frees its priorities. Refused while another operation runs.</summary>
    public async Task<HostOperationResult> DecommissionAsync(Guid hostId, Actor actor, CancellationToken cancellationToken = default)
    {
        var host = await LoadAsync(hostId, cancellationToken);
        if (host is null) return HostOperationResult.NotFound;
        if (host.State is HostState.Decommissioning or HostState.Decommissioned)
            return HostOperationResult.Conflict($"The host is already {host.State}.");
        if (host.Environments.FirstOrDefault(e => e.State is EnvironmentState.Provisioning or EnvironmentState.Updating) is { } busy)
            return HostOperationResult.Conflict($"{busy.Kind} is {busy.State}; decommission when it has finished.");
        return await BeginAsync(host, host.Environments, EnvironmentOperation.Decommission, actor, "host.decommission-started", cancellationToken);
    }

    private async Task<HostOperationResult> BeginAsync(Host host, IEnumerable<HostEnvironment> environments, EnvironmentOperation operation,
        Actor actor, string action, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var checks = environments.Select(e => Begin(e, operation, now)).ToList();
        HostStates.Rollup(host, now);
        db.Record(actor, action, null, host.CustomerId, host.Id);
        return await SaveAndScheduleAsync(checks, cancellationToken);
    }

    private async Task<HostOperationResult> SaveAndScheduleAsync(List<(Guid Environment, Guid Check)> checks, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return HostOperationResult.Conflict("The host changed meanwhile; look again and retry.");
        }
        foreach (var (environment, check) in checks) scheduler.ScheduleEnvironmentStep(environment, check, TimeSpan.Zero);
        return HostOperationResult.Started;
    }

    /// <summary>Puts an environment into a fresh attempt of an operation: new client request tokens, a check due now.</summary>
    public static (Guid Environment, Guid Check) Begin(HostEnvironment environment, EnvironmentOperation operation, DateTimeOffset now)
    {
        environment.Operation = operation;
        environment.State = operation switch
        {
            EnvironmentOperation.Provision => EnvironmentState.Provisioning,
            EnvironmentOperation.Update => EnvironmentState.Updating,
            EnvironmentOperation.Decommission => EnvironmentState.Decommissioning,
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };
        environment.StateReason = null;
        environment.AttemptId = Guid.NewGuid();
        environment.OperationStartedAt = now;
        environment.NextCheckAt = now;
        environment.ScheduledCheckId = Guid.NewGuid();
        environment.UpdatedAt = now;
        return (environment.Id, environment.ScheduledCheckId.Value);
    }

    private Task<Host?> LoadAsync(Guid hostId, CancellationToken cancellationToken) =>
        db.Hosts.Include(h => h.Environments).FirstOrDefaultAsync(h => h.Id == hostId, cancellationToken);
}
