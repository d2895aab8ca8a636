using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Jobs;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Hosts;

/// <summary>How a request about a host change ended.</summary>
public abstract record ChangeOutcome
{
    public sealed record Done(HostChange Change) : ChangeOutcome;
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ChangeOutcome;
    public sealed record Conflict(string Message) : ChangeOutcome;
    public sealed record NotFound : ChangeOutcome;
}

/// <summary>
/// A customer edits a host's order: the edit is validated, previewed as CloudFormation change sets (a job makes
/// them), then confirmed — which saves the new order and updates the stacks with exactly the previewed change sets —
/// or discarded. Each call is one transaction with its audit entry; all are scoped to the customer's own hosts.
/// </summary>
public sealed class HostChanges(PortalDbContext db, HostOrderValidator validator, CheckScheduler scheduler, TimeProvider clock)
{
    public const string OrderField = "order";

    public async Task<ChangeOutcome> ProposeAsync(Actor actor, Guid customerId, string hostName, HostOrder proposed, CancellationToken cancellationToken = default)
    {
        var host = await HostAsync(customerId, hostName, cancellationToken);
        if (host is null) return new ChangeOutcome.NotFound();
        if (host.State != HostState.Active)
            return new ChangeOutcome.Conflict($"The host is {host.State}; it can be changed once it is Active.");

        var validation = validator.ValidateChange(host, proposed);
        if (validation.Order is not { } valid) return new ChangeOutcome.Invalid(validation.Errors);
        var current = validator.Validate(HostOrderMapping.FromHost(host)).Order
            ?? throw new InvalidOperationException($"Host {host.Id}'s own order does not validate.");
        var fields = HostOrderDiff.Between(current, valid);
        if (fields.Count == 0)
            return new ChangeOutcome.Invalid(new Dictionary<string, string[]> { [OrderField] = ["Nothing to change: this is the host's current order."] });

        var now = clock.GetUtcNow();
        foreach (var open in await db.HostChanges.Where(c => c.HostId == host.Id &&
                     (c.State == HostChangeState.Preparing || c.State == HostChangeState.Ready || c.State == HostChangeState.NoChanges)).ToListAsync(cancellationToken))
            (open.State, open.ScheduledCheckId, open.NextCheckAt, open.UpdatedAt) = (HostChangeState.Superseded, null, null, now);
        var change = new HostChange
        {
            HostId = host.Id,
            ProposedOrder = JsonSerializer.Serialize(proposed),
            FieldChanges = fields,
            RequestedById = actor.UserId,
            RequestedBy = actor.Name,
            RequestedAt = now,
            UpdatedAt = now,
            ScheduledCheckId = Guid.NewGuid(),
            NextCheckAt = now,
        };
        db.HostChanges.Add(change);
        db.Record(actor, "host.change-proposed", string.Join("; ", fields.Select(f => $"{f.Field}: {f.From} → {f.To}")), customerId, host.Id);
        await db.SaveChangesAsync(cancellationToken);
        scheduler.ScheduleChangePreview(change.Id, change.ScheduledCheckId.Value, TimeSpan.Zero);
        return new ChangeOutcome.Done(change);
    }

    /// <summary>Saves the proposed order on the host and updates every stack the preview found changes in.</summary>
    public async Task<ChangeOutcome> ConfirmAsync(Actor actor, Guid customerId, string hostName, Guid changeId, CancellationToken cancellationToken = default)
    {
        var host = await HostAsync(customerId, hostName, cancellationToken);
        var change = host is null ? null : await ChangeAsync(host.Id, changeId, cancellationToken);
        if (host is null || change is null) return new ChangeOutcome.NotFound();
        if (change.State == HostChangeState.Preparing)
            return new ChangeOutcome.Conflict("The preview is still being prepared; confirm when it is ready.");
        if (change.State is not (HostChangeState.Ready or HostChangeState.NoChanges))
            return new ChangeOutcome.Conflict($"This change is {change.State} and can no longer be confirmed.");
        if (host.State != HostState.Active)
            return new ChangeOutcome.Conflict($"The host is {host.State}; confirm when it is Active.");
        var validation = validator.ValidateChange(host, JsonSerializer.Deserialize<HostOrder>(change.ProposedOrder)!);
        if (validation.Order is not { } valid) return new ChangeOutcome.Invalid(validation.Errors);

        var now = clock.GetUtcNow();
        HostOrderMapping.Apply(valid, host);
        host.UpdatedAt = now;
        var changing = host.Environments.Where(e => change.Stacks.Any(s => s.Environment == e.Kind && s.Status == ChangeSetState.Ready)).ToList();
        var checks = changing.Select(e => HostOperations.Begin(e, EnvironmentOperation.Update, now)).ToList();
        HostStates.Rollup(host, now);
        (change.State, change.ConfirmedById, change.ConfirmedAt, change.UpdatedAt) =
            (checks.Count > 0 ? HostChangeState.Applying : HostChangeState.Applied, actor.UserId, now, now);
        db.Record(actor, "host.change-confirmed", string.Join("; ", change.FieldChanges.Select(f => $"{f.Field}: {f.From} → {f.To}")), customerId, host.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ChangeOutcome.Conflict("The host changed meanwhile; look at it again and retry.");
        }
        foreach (var (environment, check) in checks) scheduler.ScheduleEnvironmentStep(environment, check, TimeSpan.Zero);
        return new ChangeOutcome.Done(change);
    }

    public async Task<ChangeOutcome> DiscardAsync(Actor actor, Guid customerId, string hostName, Guid changeId, CancellationToken cancellationToken = default)
    {
        var host = await HostAsync(customerId, hostName, cancellationToken);
        var change = host is null ? null : await ChangeAsync(host.Id, changeId, cancellationToken);
        if (host is null || change is null) return new ChangeOutcome.NotFound();
        if (!change.IsOpen) return new ChangeOutcome.Conflict($"This change is {change.State} and can no longer be discarded.");
        (change.State, change.ScheduledCheckId, change.NextCheckAt, change.UpdatedAt) = (HostChangeState.Discarded, null, null, clock.GetUtcNow());
        db.Record(actor, "host.change-discarded", null, customerId, host.Id);
        await db.SaveChangesAsync(cancellationToken);
        return new ChangeOutcome.Done(change);
    }

    /// <summary>One change of the customer's host, with its change sets; null when there is no such host or change.</summary>
    public async Task<HostChange?> GetAsync(Guid customerId, string hostName, Guid changeId, CancellationToken cancellationToken = default) =>
        await db.HostChanges.AsNoTracking().Include(c => c.Stacks)
            .FirstOrDefaultAsync(c => c.Id == changeId && c.Host.CustomerId == customerId && c.Host.Name == hostName, cancellationToken);

    /// <summary>The host's newest change, if any (the page shows an open one, or the last applied).</summary>
    public async Task<HostChange?> LatestAsync(Guid customerId, string hostName, CancellationToken cancellationToken = default) =>
        await db.HostChanges.AsNoTracking().Include(c => c.Stacks)
            .Where(c => c.Host.CustomerId == customerId && c.Host.Name == hostName)
            .OrderByDescending(c => c.RequestedAt).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The host's changes, newest first; null when the customer has no such host.</summary>
    public async Task<ResultPage<HostChange>?> ListAsync(Guid customerId, string hostName, int pageNumber, int pageSize, CancellationToken cancellationToken = default)
    {
        var hostId = await db.Hosts.Where(h => h.CustomerId == customerId && h.Name == hostName).Select(h => (Guid?)h.Id).SingleOrDefaultAsync(cancellationToken);
        if (hostId is null) return null;
        var changes = db.HostChanges.AsNoTracking().Where(c => c.HostId == hostId);
        var total = await changes.CountAsync(cancellationToken);
        var items = await changes.Include(c => c.Stacks)
            .OrderByDescending(c => c.RequestedAt).ThenByDescending(c => c.Id)
            .Skip((pageNumber - 1) * pageSize).Take(pageSize)
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        return new ResultPage<HostChange>(items, total, pageNumber, pageSize);
    }

    private Task<Host?> HostAsync(Guid customerId, string hostName, CancellationToken cancellationToken) =>
        db.Hosts.Include(h => h.Environments).FirstOrDefaultAsync(h => h.CustomerId == customerId && h.Name == hostName, cancellationToken);

    private Task<HostChange?> ChangeAsync(Guid hostId, Guid changeId, CancellationToken cancellationToken) =>
        db.HostChanges.Include(c => c.Stacks).FirstOrDefaultAsync(c => c.Id == changeId && c.HostId == hostId, cancellationToken);
}
