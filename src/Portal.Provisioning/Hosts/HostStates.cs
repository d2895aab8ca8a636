using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Text;

namespace Portal.Provisioning.Hosts;

/// <summary>The one rule for a host's state: it follows its environments.</summary>
public sealed class HostStates(TimeProvider clock, ProvisioningTelemetry telemetry)
{
    private const int Attempts = 5;

    /// <summary>
    /// Recomputes and saves the host's state from its environments as they are in the database now, and in the same
    /// save settles the change being applied (Applied or Failed) once no environment is updating any more.
    /// </summary>
    public async Task RefreshAsync(PortalDbContext db, Host host, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            foreach (var sibling in host.Environments.Where(e => db.Entry(e).State == EntityState.Unchanged))
                await db.Entry(sibling).ReloadAsync(cancellationToken);
            var before = host.State;
            var hostChanged = Rollup(host, clock.GetUtcNow());
            var changeSettled = await SettleChangeAsync(db, host, cancellationToken);
            if (!hostChanged && !changeSettled) return;
            if (host.State != before)
                db.Record(Actor.System, AuditActions.HostBecame(host.State), host.StateReason, host.CustomerId, host.Id);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                telemetry.HostBecame(host, before, clock.GetUtcNow());
                return;
            }
            catch (DbUpdateConcurrencyException e) when (attempt < Attempts)
            {
                foreach (var entry in e.Entries) await entry.ReloadAsync(cancellationToken);
                foreach (var audit in db.ChangeTracker.Entries<AuditEntry>().Where(x => x.State == EntityState.Added).ToList())
                    audit.State = EntityState.Detached;
            }
        }
    }

    /// <summary>
    /// Marks the host's change being applied as Applied or Failed once none of its environments is still being updated,
    /// provisioned (one it added) or decommissioned (one it removed); true when it did.
    /// </summary>
    private async Task<bool> SettleChangeAsync(PortalDbContext db, Host host, CancellationToken cancellationToken)
    {
        if (host.Environments.Any(e => e.State is EnvironmentState.Updating or EnvironmentState.Provisioning or EnvironmentState.Decommissioning)) return false;
        var change = await db.HostChanges.FirstOrDefaultAsync(c => c.HostId == host.Id && c.State == HostChangeState.Applying, cancellationToken);
        if (change is null) return false;
        var failed = host.Environments.Where(e => e is { State: EnvironmentState.Failed, Operation: not EnvironmentOperation.None }).ToList();
        change.Settle(failed.Count == 0 ? null : string.Join(" ", failed.Select(e => $"{e.Kind}: {e.StateReason}")), clock.GetUtcNow());
        return true;
    }

    /// <summary>
    /// Sets the host's state from its live environments (a removed one, Decommissioned, no longer counts); false when
    /// nothing changed. Decommissioning is the whole host's: every live environment is being deleted. One environment
    /// deleted while others run is a change of the host, so the host is Updating meanwhile.
    /// </summary>
    public static bool Rollup(Host host, DateTimeOffset now)
    {
        if (host.Environments.Count == 0) return false;
        var live = host.LiveEnvironments().ToList();
        var failed = live.Where(e => e.State == EnvironmentState.Failed).OrderBy(e => e.Kind).ToList();
        (HostState state, string? reason) next =
            failed.Count > 0 ? (HostState.Failed, string.Join(" ", failed.Select(e => $"{e.Kind}: {e.StateReason}")))
            : live.Count == 0 ? (HostState.Decommissioned, null)
            : live.All(e => e.State == EnvironmentState.Decommissioning) ? (HostState.Decommissioning, null)
            : live.Any(e => e.State is EnvironmentState.Provisioning) ? (HostState.Provisioning, null)
            : live.Any(e => e.State is EnvironmentState.Updating or EnvironmentState.Decommissioning) ? (HostState.Updating, null)
            : live.All(e => e.State == EnvironmentState.Active) ? (HostState.Active, null)
            : (host.State, host.StateReason);
        next.reason = PostgresText.Shorten(next.reason, ColumnLengths.Reason);
        if (next.state == host.State && next.reason == host.StateReason) return false;
        (host.State, host.StateReason) = next;
        if (next.state == HostState.Decommissioned) host.GitLab.Retire();
        host.UpdatedAt = now;
        return true;
    }
}
