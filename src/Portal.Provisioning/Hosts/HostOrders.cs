using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Security;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Hosts;

/// <summary>
/// What a customer does to their hosts: order one and regenerate its webhook token. Each call is one
/// transaction with its audit entry. A new host's provisioning starts right after its order is saved; should that
/// fail, the host stays Ordered and the provisioning reconciler starts it a few seconds later.
/// </summary>
public sealed class HostOrders(
    IDbContextFactory<PortalDbContext> contexts,
    HostOrderValidator validator,
    QuotaOptions quotas,
    HostOperations operations,
    TimeProvider clock,
    ILogger<HostOrders> logger)
{
    private const string UniqueHostNameIndex = "IX_Hosts_CustomerId_Name";

    /// <summary>Every rule of <see cref="HostOrderValidator"/> plus "the customer has no host of that name yet".</summary>
    public async Task<HostOrderValidation> ValidateAsync(Guid customerId, HostOrder order, CancellationToken cancellationToken = default)
    {
        var validation = validator.Validate(order);
        var name = order.Name?.Trim();
        if (validation.ErrorsFor(HostOrderFields.Name).Count > 0 || string.IsNullOrEmpty(name)) return validation;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Hosts.AnyAsync(h => h.CustomerId == customerId && h.Name == name, cancellationToken)
            ? WithError(validation, HostOrderFields.Name, NameTaken(name))
            : validation;
    }

    public async Task<QuotaUsage> QuotaAsync(Guid customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return new QuotaUsage(await CountHostsAsync(db, customerId, cancellationToken), quotas.MaxHostsPerCustomer);
    }

    public async Task<OrderOutcome> CreateAsync(Actor actor, Guid customerId, HostOrder order, CancellationToken cancellationToken = default)
    {
        var validation = validator.Validate(order);
        if (validation.Order is not { } valid) return new OrderOutcome.Invalid(validation.Errors);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Orders of one customer queue up here, so two at once cannot both slip under the quota.
        var locked = await db.Database
            .SqlQuery<Guid>($"""SELECT "Id" AS "Value" FROM "Customers" WHERE "Id" = {customerId} FOR UPDATE""")
            .ToListAsync(cancellationToken);
        if (locked.Count == 0)
            throw new InvalidOperationException($"Customer {customerId} does not exist.");

        var used = await CountHostsAsync(db, customerId, cancellationToken);
        if (used >= quotas.MaxHostsPerCustomer)
            return new OrderOutcome.OverQuota(new QuotaUsage(used, quotas.MaxHostsPerCustomer));
        if (await db.Hosts.AnyAsync(h => h.CustomerId == customerId && h.Name == valid.Name, cancellationToken))
            return NameTakenOutcome(valid.Name);

        var token = SecretToken.Generate(HostWebhook.TokenPrefix);
        var now = clock.GetUtcNow();
        var host = ToHost(customerId, valid, SecretToken.Hash(token), now);
        db.Hosts.Add(host);
        db.Record(actor, "host.ordered", Describe(valid), customerId, host.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(UniqueHostNameIndex))
        {
            // Another request took the name between the check and the insert.
            return NameTakenOutcome(valid.Name);
        }
        await StartProvisioningAsync(host.Id, cancellationToken);
        return new OrderOutcome.Created(host.Id, host.Name, token);
    }

    /// <summary>
    /// Replaces the host's webhook token; the old one stops working at once. Null when the customer has no such host.
    /// One UPDATE of the hash alone, so that it does not collide with the jobs that change the host's state meanwhile
    /// (a save of the loaded row would fail its row version).
    /// </summary>
    public async Task<string?> RegenerateWebhookTokenAsync(Actor actor, Guid customerId, string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var hostId = await db.Hosts.Where(h => h.CustomerId == customerId && h.Name == name).Select(h => (Guid?)h.Id)
            .SingleOrDefaultAsync(cancellationToken);
        if (hostId is null) return null;
        var token = SecretToken.Generate(HostWebhook.TokenPrefix);
        var hash = SecretToken.Hash(token);
        var now = clock.GetUtcNow();
        var updated = await db.Hosts.Where(h => h.Id == hostId)
            .ExecuteUpdateAsync(set => set.SetProperty(h => h.WebhookTokenHash, hash).SetProperty(h => h.UpdatedAt, now), cancellationToken);
        if (updated == 0) return null; // Deleted since.
        db.Record(actor, "host.webhook-token-regenerated", $"Host '{name}'", customerId, hostId);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return token;
    }

    private async Task StartProvisioningAsync(Guid hostId, CancellationToken cancellationToken)
    {
        try
        {
            await operations.StartProvisioningAsync(hostId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Provisioning of host {HostId} did not start; the reconciler will start it.", hostId);
        }
    }

    private static Task<int> CountHostsAsync(PortalDbContext db, Guid customerId, CancellationToken cancellationToken) =>
        db.Hosts.CountAsync(h => h.CustomerId == customerId && h.State != HostState.Decommissioned, cancellationToken);

    private static Host ToHost(Guid customerId, ValidHostOrder order, string tokenHash, DateTimeOffset now)
    {
        var host = new Host
        {
            CustomerId = customerId,
            Name = order.Name,
            Plan = order.Plan,
            State = HostState.Ordered,
            WebhookTokenHash = tokenHash,
            CreatedAt = now,
            UpdatedAt = now,
            Environments = order.Environments.Select(e => new HostEnvironment
            {
                Kind = e.Kind,
                Branch = e.Branch,
                State = EnvironmentState.Pending,
                UpdatedAt = now,
            }).ToList(),
        };
        HostOrderMapping.Apply(order, host);
        return host;
    }

    private static string Describe(ValidHostOrder order) =>
        $"Host '{order.Name}': plan {order.Plan}, environments {string.Join(", ", order.Environments.Select(e => $"{HostOrderTerms.EnvironmentName(e.Kind)} ({e.Branch})"))}, " +
        $"GitLab {order.GitLabProjectPath}, database {order.Database.Engine}" +
        (order.CustomDomain is null ? "" : $", custom domain {order.CustomDomain}");

    private static string NameTaken(string name) => $"You already have a host named '{name}'. Choose another name.";

    private static OrderOutcome.Invalid NameTakenOutcome(string name) =>
        new(new Dictionary<string, string[]> { [HostOrderFields.Name] = [NameTaken(name)] });

    private static HostOrderValidation WithError(HostOrderValidation validation, string field, string message)
    {
        var errors = validation.Errors.ToDictionary(e => e.Key, e => e.Value);
        errors[field] = [.. validation.ErrorsFor(field), message];
        return new HostOrderValidation(errors, null);
    }
}

public sealed record QuotaUsage(int Used, int Max)
{
    public bool IsReached => Used >= Max;

    public string Message => $"You have {Used} of your {Max} hosts. Decommission a host or ask an operator to raise your limit before ordering another.";
}

/// <summary>How an order ended: created (with the webhook token, shown this once), refused with field errors, or over the quota.</summary>
public abstract record OrderOutcome
{
    public sealed record Created(Guid HostId, string Name, string WebhookToken) : OrderOutcome;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : OrderOutcome;

    public sealed record OverQuota(QuotaUsage Usage) : OrderOutcome;
}
