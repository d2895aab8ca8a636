using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Text;
using Portal.Provisioning.Background;

namespace Portal.Provisioning.Hosts;

/// <summary>
/// Starts operations on a host's environments: provisioning an order, retrying what failed, decommissioning, and the
/// pipeline update that turns a manual approval on or off. Each writes the environments' new operation and its audit
/// entry in one transaction, then schedules the jobs; a crash in between leaves an overdue check that the reconciler
/// resumes. Customers reach their own hosts by name (another customer's host is not found); operators by id.
/// </summary>
public sealed class HostOperations(IDbContextFactory<PortalDbContext> contexts, CheckScheduler scheduler, TimeProvider clock)
{
    /// <summary>The name of the confirmation field in the API (<c>?confirm=</c>) and the form.</summary>
    public const string ConfirmationField = "confirm";

    /// <summary>A decommission is confirmed by typing the host's name exactly (surrounding spaces aside).</summary>
    public static bool Confirms(string hostName, string? typed) =>
        typed is not null && string.Equals(typed.Trim(), hostName, StringComparison.Ordinal);

    public static string ConfirmationMissing(string hostName) =>
        $"Type the host's name, '{hostName}', to confirm: decommissioning deletes every environment of the host.";

    /// <summary>Provisions an Ordered host (called after the order is saved and by the reconciler for any it missed).</summary>
    public async Task<ActionResult> StartProvisioningAsync(Guid hostId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await LoadAsync(db.Hosts.Where(h => h.Id == hostId), cancellationToken);
        if (host is null) return NoSuchHost;
        if (host.State != HostState.Ordered) return ActionResult.Conflict($"The host is {host.State}, not Ordered.");
        return await BeginAsync(db, host, EnvironmentOperation.Provision, Actor.System, AuditActions.HostProvisionStarted,
            "Provisioning started.", cancellationToken);
    }

    /// <summary>A customer retries the failed operations of their host.</summary>
    public async Task<ActionResult> RetryAsync(Actor actor, Guid customerId, string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await LoadAsync(db.Hosts.Named(customerId, name), cancellationToken);
        return host is null ? NoHostNamed(name) : await RetryAsync(db, host, actor, cancellationToken);
    }

    /// <summary>An operator retries the failed operations of any host.</summary>
    public async Task<ActionResult> RetryAsync(Guid hostId, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await LoadAsync(db.Hosts.Where(h => h.Id == hostId), cancellationToken);
        return host is null ? NoSuchHost : await RetryAsync(db, host, actor, cancellationToken);
    }

    /// <summary>Starts deleting every stack of the host once <paramref name="confirmation"/> is its name; a conflict while another operation runs.</summary>
    public async Task<ActionResult> DecommissionAsync(Actor actor, Guid customerId, string name, string? confirmation,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await LoadAsync(db.Hosts.Named(customerId, name), cancellationToken);
        if (host is null) return NoHostNamed(name);
        if (!Confirms(name, confirmation)) return ActionResult.Invalid(ConfirmationField, ConfirmationMissing(name));
        if (host.State is HostState.Decommissioning or HostState.Decommissioned)
            return ActionResult.Conflict($"The host is already {host.State}.");
        if (host.Environments.FirstOrDefault(e => e.State is EnvironmentState.Provisioning or EnvironmentState.Updating) is { } busy)
            return ActionResult.Conflict($"{busy.Kind} is {busy.State}; decommission when it has finished.");
        host.GitLab.Retire();
        return await BeginAsync(db, host, EnvironmentOperation.Decommission, actor, AuditActions.HostDecommissionStarted,
            "Decommissioning started.", cancellationToken);
    }

    /// <summary>
    /// Makes dev or staging releases wait for an operator's approval before Deploy (or stop waiting). The pipeline is
    /// part of the software stack, so the environment is updated; production always waits.
    /// </summary>
    public async Task<ActionResult> SetManualApprovalAsync(Guid hostId, EnvironmentKind kind, bool required, Actor actor,
        CancellationToken cancellationToken = default)
    {
        if (kind == EnvironmentKind.Production)
            return ActionResult.Invalid("environment", "Production releases always wait for approval.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await LoadAsync(db.Hosts.Where(h => h.Id == hostId), cancellationToken);
        if (host is null) return NoSuchHost;
        var environment = host.Environments.FirstOrDefault(e => e.Kind == kind);
        var name = EnvironmentNames.Of(kind);
        if (environment is null) return ActionResult.NotFound($"The host has no {name} environment.");
        if (environment.RequiresApproval == required)
            return ActionResult.Done(required ? $"{name} releases already wait for approval." : $"{name} releases already deploy without approval.");
        if (host.State != HostState.Active || environment.State != EnvironmentState.Active)
            return ActionResult.Conflict($"The host is {host.State} and {name} is {environment.State}; change the approval once both are Active.");

        var now = clock.GetUtcNow();
        environment.RequiresApproval = required;
        var check = environment.Begin(EnvironmentOperation.Update, now);
        HostStates.Rollup(host, now);
        db.Record(actor, required ? AuditActions.EnvironmentApprovalRequired : AuditActions.EnvironmentApprovalDropped,
            required ? $"{name} releases wait for an operator's approval before Deploy; updating the pipeline."
                : $"{name} releases deploy without approval; updating the pipeline.",
            host.CustomerId, host.Id);
        return await SaveAndScheduleAsync(db, [(environment.Id, check)], required
            ? $"{name} releases will wait for approval: the pipeline is being updated."
            : $"{name} releases will deploy without approval: the pipeline is being updated.", cancellationToken);
    }

    /// <summary>The most resources one recovery may name (a software stack has fewer than this many).</summary>
    public const int MaxRecoveryResources = 50;

    /// <summary>
    /// An operator's way out of a stuck stack: retries the environment's failed update by first continuing the rollback
    /// AWS could not finish (UPDATE_ROLLBACK_FAILED; <paramref name="resources"/> are skipped: CloudFormation marks them
    /// UPDATE_COMPLETE without putting them back), or its failed decommission by deleting the stack while keeping
    /// <paramref name="resources"/> (DELETE_FAILED; RetainResources, at least one).
    /// </summary>
    public async Task<ActionResult> RecoverAsync(Guid hostId, EnvironmentKind kind, StackRecovery recovery, IReadOnlyList<string> resources,
        Actor actor, CancellationToken cancellationToken = default)
    {
        if (RecoveryProblem(recovery, resources) is { } invalid) return invalid;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await LoadAsync(db.Hosts.Where(h => h.Id == hostId), cancellationToken);
        if (host is null) return NoSuchHost;
        var name = EnvironmentNames.Of(kind);
        var environment = host.Environments.FirstOrDefault(e => e.Kind == kind);
        if (environment is null) return ActionResult.NotFound($"The host has no {name} environment.");
        if (!environment.CanRecover(recovery))
            return ActionResult.Conflict(recovery == StackRecovery.ContinueRollback
                ? $"{name} is {environment.State} ({environment.Operation}): a rollback can be continued only after an update failed."
                : $"{name} is {environment.State} ({environment.Operation}): resources can be retained only when a decommission failed.");

        var now = clock.GetUtcNow();
        var kept = resources.Select(r => r.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var check = environment.Recover(recovery, kept, now);
        HostStates.Rollup(host, now);
        var listed = kept.Count > 0 ? string.Join(", ", kept) : "none";
        db.Record(actor, recovery == StackRecovery.ContinueRollback ? AuditActions.EnvironmentRollbackContinued : AuditActions.EnvironmentDeleteRetaining,
            recovery == StackRecovery.ContinueRollback
                ? $"{name}: continue the update rollback, skipping: {listed}; then update again."
                : $"{name}: delete the stack, retaining: {listed}.",
            host.CustomerId, host.Id);
        return await SaveAndScheduleAsync(db, [(environment.Id, check)], recovery == StackRecovery.ContinueRollback
            ? $"{name}: the rollback continues (skipping {listed}); the update runs again once it is complete."
            : $"{name}: the stack is being deleted, keeping {listed} in the AWS account.", cancellationToken);
    }

    private static ActionResult? RecoveryProblem(StackRecovery recovery, IReadOnlyList<string> resources)
    {
        if (recovery == StackRecovery.None) return ActionResult.Invalid("action", "Use continue-rollback or retain-resources.");
        if (resources.Count > MaxRecoveryResources)
            return ActionResult.Invalid("resources", $"Name at most {MaxRecoveryResources} resources.");
        // CloudFormation's logical ids: letters and digits only, up to 255 characters.
        var bad = resources.FirstOrDefault(r => r.Trim() is not { Length: > 0 and <= 255 } id || !id.All(char.IsAsciiLetterOrDigit));
        if (bad is not null)
            return ActionResult.Invalid("resources", $"'{PostgresText.ShortenNotNull(bad, 64)}' is not a logical resource id (letters and digits, as in the template).");
        if (recovery == StackRecovery.RetainResources && resources.Count == 0)
            return ActionResult.Invalid("resources", "Name the resources to keep (their logical ids): the ones whose deletion failed.");
        return null;
    }

    private async Task<ActionResult> RetryAsync(PortalDbContext db, Host host, Actor actor, CancellationToken cancellationToken)
    {
        var failed = host.Environments.Where(e => e.State == EnvironmentState.Failed).ToList();
        if (failed.Count == 0) return ActionResult.Conflict("Nothing has failed: there is nothing to retry.");
        var now = clock.GetUtcNow();
        var described = string.Join(", ", failed.Select(e => $"{e.Kind} {e.Operation}"));
        var checks = failed.Select(e => (e.Id, e.Retry(now))).ToList();
        HostStates.Rollup(host, now);
        db.Record(actor, AuditActions.HostRetry, described, host.CustomerId, host.Id);
        return await SaveAndScheduleAsync(db, checks, "Retry started: the failed environments run their operation again.", cancellationToken);
    }

    private async Task<ActionResult> BeginAsync(PortalDbContext db, Host host, EnvironmentOperation operation, Actor actor, string action,
        string started, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var checks = host.Environments.Where(e => e.CanBegin(operation)).Select(e => (e.Id, e.Begin(operation, now))).ToList();
        HostStates.Rollup(host, now);
        db.Record(actor, action, null, host.CustomerId, host.Id);
        return await SaveAndScheduleAsync(db, checks, started, cancellationToken);
    }

    private async Task<ActionResult> SaveAndScheduleAsync(PortalDbContext db, List<(Guid Environment, Guid Check)> checks, string done,
        CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ActionResult.Conflict("The host changed meanwhile; look again and retry.");
        }
        foreach (var (environment, check) in checks) scheduler.ScheduleEnvironmentStep(environment, check, TimeSpan.Zero);
        return ActionResult.Done(done);
    }

    private static readonly ActionResult NoSuchHost = ActionResult.NotFound("There is no such host.");

    private static ActionResult NoHostNamed(string name) => ActionResult.NotFound($"You have no host named '{name}'.");

    private static Task<Host?> LoadAsync(IQueryable<Host> which, CancellationToken cancellationToken) =>
        which.Include(h => h.Environments).FirstOrDefaultAsync(cancellationToken);
}
