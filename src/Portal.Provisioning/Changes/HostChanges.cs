using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Views;
using Portal.Provisioning.Background;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Orders;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Changes;

/// <summary>How a request about a host change ended; a change comes back as the customer sees it.</summary>
public abstract record ChangeOutcome
{
    public sealed record Done(HostChangeView Change) : ChangeOutcome;
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ChangeOutcome;
    public sealed record Conflict(string Message) : ChangeOutcome;
    public sealed record NotFound : ChangeOutcome;

    /// <summary>
    /// The platform cannot take the change now (no shared load balancer has room for an environment it adds, or AWS did not
    /// answer), as an order is refused (<see cref="OrderOutcome.Unavailable"/>): nothing was changed (the API answers 503).
    /// </summary>
    public sealed record Unavailable(string Message) : ChangeOutcome;
}

/// <summary>
/// A customer edits a host's order: the edit is validated, previewed as CloudFormation change sets (a job makes
/// them; an environment added or removed is previewed as the stacks it creates or deletes), then confirmed — which
/// saves the new order, updates the stacks with exactly the previewed change sets, provisions the environments added
/// and decommissions those removed — or discarded. Each call is one transaction with its audit entry, on a DbContext of its own, so a page decides on
/// the host as the database has it now; all are scoped to the customer's own hosts.
/// </summary>
public sealed class HostChanges(IDbContextFactory<PortalDbContext> contexts, HostOrderValidator validator, HostClaims claims,
    ListenerCapacity listeners, CheckScheduler scheduler, TimeProvider clock)
{
    public const string OrderField = "order";
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 50;

    /// <summary>The host's current order and the rules for changing it; null when the customer has no such host.</summary>
    public async Task<HostEdit?> EditAsync(Guid customerId, string hostName, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await db.Hosts.AsNoTracking().Named(customerId, hostName).Include(h => h.Environments)
            .FirstOrDefaultAsync(cancellationToken);
        return host is null ? null : new HostEdit(host, validator);
    }

    /// <summary>Validates the edit and starts preparing its preview; a newer proposal supersedes an open one.</summary>
    public async Task<ChangeOutcome> ProposeAsync(Actor actor, Guid customerId, string hostName, HostOrder proposed, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await HostAsync(db, customerId, hostName, cancellationToken);
        if (host is null) return new ChangeOutcome.NotFound();
        if (host.State != HostState.Active)
            return new ChangeOutcome.Conflict($"The host is {host.State}; it can be changed once it is Active.");

        var validation = validator.ValidateChange(host, proposed);
        if (validation.Order is not { } valid) return new ChangeOutcome.Invalid(validation.Errors);
        if (await claims.CheckAsync(valid, host.Id, host.GitLab.ProjectId, cancellationToken) is { Count: > 0 } refused) return new ChangeOutcome.Invalid(refused);
        var current = validator.Validate(HostOrderMapping.FromHost(host)).Order
            ?? throw new InvalidOperationException($"Host {host.Id}'s own order does not validate.");
        var fields = HostOrderDiff.Between(current, valid);
        if (fields.Count == 0)
            return new ChangeOutcome.Invalid(new Dictionary<string, string[]> { [OrderField] = ["Nothing to change: this is the host's current order."] });

        var now = clock.GetUtcNow();
        foreach (var open in await db.HostChanges.Where(c => c.HostId == host.Id &&
                     (c.State == HostChangeState.Preparing || c.State == HostChangeState.Ready || c.State == HostChangeState.NoChanges)).ToListAsync(cancellationToken))
            open.Supersede(now);
        var change = new HostChange
        {
            HostId = host.Id,
            ProposedOrder = JsonSerializer.Serialize(proposed.WithoutToken()),
            FieldChanges = fields,
            RequestedById = actor.UserId,
            RequestedBy = actor.Name,
            RequestedAt = now,
            UpdatedAt = now,
        };
        var check = change.ScheduleCheck(now, now);
        db.HostChanges.Add(change);
        db.Record(actor, AuditActions.HostChangeProposed, Describe(fields), customerId, host.Id);
        await db.SaveChangesAsync(cancellationToken);
        scheduler.ScheduleChangePreview(change.Id, check, TimeSpan.Zero);
        return new ChangeOutcome.Done(HostChangeView.From(change, hostName));
    }

    /// <summary>Saves the proposed order on the host and updates every stack the preview found changes in.</summary>
    public async Task<ChangeOutcome> ConfirmAsync(Actor actor, Guid customerId, string hostName, Guid changeId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await HostAsync(db, customerId, hostName, cancellationToken);
        var change = host is null ? null : await ChangeAsync(db, host.Id, changeId, cancellationToken);
        if (host is null || change is null) return new ChangeOutcome.NotFound();
        if (change.State == HostChangeState.Preparing)
            return new ChangeOutcome.Conflict("The preview is still being prepared; confirm when it is ready.");
        if (!change.CanConfirm)
            return new ChangeOutcome.Conflict($"This change is {change.State} and can no longer be confirmed.");
        if (host.State != HostState.Active)
            return new ChangeOutcome.Conflict($"The host is {host.State}; confirm when it is Active.");
        var validation = validator.ValidateChange(host, JsonSerializer.Deserialize<HostOrder>(change.ProposedOrder)!);
        if (validation.Order is not { } valid) return new ChangeOutcome.Invalid(validation.Errors);
        if (await claims.CheckAsync(valid, host.Id, host.GitLab.ProjectId, cancellationToken) is { Count: > 0 } refused) return new ChangeOutcome.Invalid(refused);

        // As for an order: environments it adds must fit on a shared load balancer before anything is made; the platform's
        // capacity, not the customer's request, is what refuses it.
        var needs = valid.Environments.Where(o => host.LiveEnvironments().All(e => e.Kind != o.Kind))
            .Select(o => ListenerCapacity.NeedOf(o.Kind, valid.DeploymentStyle, valid.CustomDomain)).ToList();
        if (needs.Count > 0 && await listeners.PlacementRefusalAsync(db, needs, cancellationToken) is { } full)
            return new ChangeOutcome.Unavailable(full + " The change was not confirmed.");

        var now = clock.GetUtcNow();
        var checks = Apply(db, actor, host, change, valid, now);
        HostStates.Rollup(host, now);
        change.Confirm(actor.UserId, updatesStacks: checks.Count > 0, now);
        db.Record(actor, AuditActions.HostChangeConfirmed, Describe(change.FieldChanges), customerId, host.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ChangeOutcome.Conflict("The host changed meanwhile; look at it again and retry.");
        }
        catch (DbUpdateException e) when (HostClaims.RaceLost(e) is { } lost)
        {
            return new ChangeOutcome.Invalid(lost);
        }
        foreach (var (environment, check) in checks) scheduler.ScheduleEnvironmentStep(environment, check, TimeSpan.Zero);
        return new ChangeOutcome.Done(HostChangeView.From(change, hostName));
    }

    /// <summary>
    /// Puts the confirmed order on the host and begins each environment's part: the ones whose previewed change sets
    /// change something are updated, an environment the order adds is made and provisioned as an order's is (the
    /// provisioning job allocates its listener priority and creates its stacks), and one it removes is decommissioned as
    /// a host decommission does it, keeping its releases. The checks to schedule once saved.
    /// </summary>
    private static List<(Guid Environment, Guid Check)> Apply(PortalDbContext db, Actor actor, Host host, HostChange change, ValidHostOrder valid,
        DateTimeOffset now)
    {
        var removed = host.LiveEnvironments().Where(e => valid.Environments.All(o => o.Kind != e.Kind)).ToList();
        var adding = valid.Environments.Where(o => host.LiveEnvironments().All(e => e.Kind != o.Kind)).ToList();
        HostOrderMapping.Apply(valid, host);
        host.UpdatedAt = now;
        var added = adding.Select(o => HostOrderMapping.AddEnvironment(host, host.Customer.Slug, o, now)).ToList();
        // A new row is inserted: found through the host with its key already set, EF would take it for an existing one.
        foreach (var environment in added.Where(e => db.Entry(e).State == EntityState.Detached)) db.HostEnvironments.Add(environment);
        if (removed.Count > 0) host.GitLab.HookChanged();

        var updated = host.LiveEnvironments().Except(added).Except(removed)
            .Where(e => change.Stacks.Any(s => s.Environment == e.Kind && s.Status == ChangeSetState.Ready)).ToList();
        var checks = updated.Select(e => (e.Id, e.Begin(EnvironmentOperation.Update, now))).ToList();
        foreach (var environment in added)
        {
            checks.Add((environment.Id, environment.Begin(EnvironmentOperation.Provision, now)));
            db.Record(actor, AuditActions.EnvironmentAdded,
                $"{EnvironmentNames.Of(environment.Kind)} (branch {environment.Branch}) added by a change; provisioning started.", host.CustomerId, host.Id);
        }
        foreach (var environment in removed)
        {
            checks.Add((environment.Id, environment.Begin(EnvironmentOperation.Decommission, now)));
            db.Record(actor, AuditActions.EnvironmentRemoved,
                $"{EnvironmentNames.Of(environment.Kind)} removed by a change; decommissioning started (its releases stay).", host.CustomerId, host.Id);
        }
        return checks;
    }

    public async Task<ChangeOutcome> DiscardAsync(Actor actor, Guid customerId, string hostName, Guid changeId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await HostAsync(db, customerId, hostName, cancellationToken);
        var change = host is null ? null : await ChangeAsync(db, host.Id, changeId, cancellationToken);
        if (host is null || change is null) return new ChangeOutcome.NotFound();
        if (!change.IsOpen) return new ChangeOutcome.Conflict($"This change is {change.State} and can no longer be discarded.");
        change.Discard(clock.GetUtcNow());
        db.Record(actor, AuditActions.HostChangeDiscarded, null, customerId, host.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ChangeOutcome.Conflict("The change moved on meanwhile; look at it again.");
        }
        return new ChangeOutcome.Done(HostChangeView.From(change, hostName));
    }

    /// <summary>One change of the customer's host, with its change sets; null when there is no such host or change.</summary>
    public async Task<HostChangeView?> GetAsync(Guid customerId, string hostName, Guid changeId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var change = await db.HostChanges.AsNoTracking().Include(c => c.Stacks)
            .FirstOrDefaultAsync(c => c.Id == changeId && c.HostId == db.Hosts.Named(customerId, hostName).Select(h => h.Id).FirstOrDefault(),
                cancellationToken);
        return change is null ? null : HostChangeView.From(change, hostName);
    }

    /// <summary>The host's newest change (open, being applied, or done); null when there is none.</summary>
    public async Task<HostChangeView?> LatestAsync(Guid customerId, string hostName, Guid? hostId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var change = await db.HostChanges.AsNoTracking().Include(c => c.Stacks)
            .Where(c => c.HostId == db.Hosts.Named(customerId, hostName, hostId).Select(h => h.Id).FirstOrDefault())
            .OrderByDescending(c => c.RequestedAt).FirstOrDefaultAsync(cancellationToken);
        return change is null ? null : HostChangeView.From(change, hostName);
    }

    /// <summary>The host's changes, newest first; null when the customer has no such host.</summary>
    public async Task<ResultPage<HostChangeView>?> ListAsync(Guid customerId, string hostName, int pageNumber = 1, int pageSize = DefaultPageSize,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hostId = await db.Hosts.Named(customerId, hostName).Select(h => (Guid?)h.Id).FirstOrDefaultAsync(cancellationToken);
        if (hostId is null) return null;
        var changes = db.HostChanges.AsNoTracking().Where(c => c.HostId == hostId);
        var total = await changes.CountAsync(cancellationToken);
        var items = await changes.Include(c => c.Stacks)
            .OrderByDescending(c => c.RequestedAt).ThenByDescending(c => c.Id)
            .Skip((pageNumber - 1) * pageSize).Take(pageSize)
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        return new ResultPage<HostChangeView>(items.Select(c => HostChangeView.From(c, hostName)).ToList(), total, pageNumber, pageSize);
    }

    private static string Describe(IEnumerable<FieldChange> fields) => string.Join("; ", fields.Select(f => $"{f.Field}: {f.From} → {f.To}"));

    private static Task<Host?> HostAsync(PortalDbContext db, Guid customerId, string hostName, CancellationToken cancellationToken) =>
        db.Hosts.Named(customerId, hostName).Include(h => h.Environments).Include(h => h.Customer).FirstOrDefaultAsync(cancellationToken);

    private static Task<HostChange?> ChangeAsync(PortalDbContext db, Guid hostId, Guid changeId, CancellationToken cancellationToken) =>
        db.HostChanges.Include(c => c.Stacks).FirstOrDefaultAsync(c => c.Id == changeId && c.HostId == hostId, cancellationToken);
}
