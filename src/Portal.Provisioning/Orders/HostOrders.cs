using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Security;
using Portal.GitLab;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Orders;

/// <summary>
/// What a customer does to their hosts: order one and regenerate its webhook token. Each call is one
/// transaction with its audit entry. An order's GitLab token is checked against GitLab first (the project exists and
/// the token reads it) and then kept only in Secrets Manager. A new host's provisioning starts right after its order is
/// saved; should that fail, the host stays Ordered and the provisioning reconciler starts it a few seconds later.
/// </summary>
public sealed class HostOrders(
    IDbContextFactory<PortalDbContext> contexts,
    HostOrderValidator validator,
    HostClaims claims,
    QuotaOptions quotas,
    HostOperations operations,
    GitLabAccessCheck gitLabAccess,
    GitLabTokenVault vault,
    ListenerCapacity listeners,
    TimeProvider clock,
    ILogger<HostOrders> logger)
{
    private const string UniqueHostNameIndex = HostNames.UniqueIndex;
    private const string UniqueResourceKeyIndex = "IX_Hosts_ResourceKey";

    /// <summary>Every rule of <see cref="HostOrderValidator"/> plus "the customer has no host of that name yet".</summary>
    public async Task<HostOrderValidation> ValidateAsync(Guid customerId, HostOrder order, CancellationToken cancellationToken = default)
    {
        var validation = validator.Validate(order);
        var name = order.Name?.Trim();
        if (validation.ErrorsFor(HostOrderFields.Name).Count > 0 || string.IsNullOrEmpty(name)) return validation;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Hosts.Holding(customerId, name).AnyAsync(cancellationToken))
            return WithError(validation, HostOrderFields.Name, NameTaken(name));
        if (validation.Order is not { } valid) return validation;
        var refused = await claims.CheckAsync(valid, null, projectId: null, cancellationToken);
        return refused.Count == 0 ? validation : new HostOrderValidation(refused, null);
    }

    public async Task<QuotaUsage> QuotaAsync(Guid customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var limit = await db.Customers.Where(c => c.Id == customerId).Select(c => c.MaxHosts).SingleOrDefaultAsync(cancellationToken);
        return new QuotaUsage(await CountHostsAsync(db, customerId, cancellationToken), limit ?? quotas.MaxHostsPerCustomer);
    }

    public async Task<OrderOutcome> CreateAsync(Actor actor, Guid customerId, HostOrder order, CancellationToken cancellationToken = default)
    {
        var validation = validator.Validate(order);
        if (validation.Order is not { } valid) return new OrderOutcome.Invalid(validation.Errors);
        switch (await gitLabAccess.CheckAsync(order.GitLabToken, valid.GitLabProjectPath, cancellationToken))
        {
            case GitLabAccess.Refused refused:
                return new OrderOutcome.Invalid(new Dictionary<string, string[]> { [FieldOf(refused.Field)] = [refused.Message] });
            case GitLabAccess.Unavailable unavailable:
                return new OrderOutcome.Unavailable(unavailable.Message);
            case GitLabAccess.Granted granted:
                if (await claims.CheckAsync(valid, null, granted.Project.Id, cancellationToken) is { Count: > 0 } claimed)
                    return new OrderOutcome.Invalid(claimed);
                // A new resource key is drawn when another host holds the one drawn (about one in a billion).
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await TryCreateAsync(actor, customerId, valid, order.GitLabToken!.Trim(), granted, cancellationToken);
                    }
                    catch (DbUpdateException e) when (attempt < 3 && e.IsUniqueViolation(UniqueResourceKeyIndex))
                    {
                    }
                }
            default:
                throw new InvalidOperationException("Unknown GitLab access outcome.");
        }
    }

    private async Task<OrderOutcome> TryCreateAsync(Actor actor, Guid customerId, ValidHostOrder valid, string gitLabToken,
        GitLabAccess.Granted access, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Orders of one customer queue up here, so two at once cannot both slip under the quota.
        var customer = await db.Customers.FromSql($"""SELECT * FROM "Customers" WHERE "Id" = {customerId} FOR UPDATE""")
            .AsNoTracking().SingleOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Customer {customerId} does not exist.");
        var slug = customer.Slug;
        // The customer's own quota, set by an operator, else the installation's.
        var limit = customer.MaxHosts ?? quotas.MaxHostsPerCustomer;

        var used = await CountHostsAsync(db, customerId, cancellationToken);
        if (used >= limit)
            return new OrderOutcome.OverQuota(new QuotaUsage(used, limit));
        if (await db.Hosts.Holding(customerId, valid.Name).AnyAsync(cancellationToken))
            return NameTakenOutcome(valid.Name);

        var token = SecretToken.Generate(HostWebhook.TokenPrefix);
        var now = clock.GetUtcNow();
        var host = ToHost(customerId, slug, valid, SecretToken.Hash(token), now);
        // Refused here, before anything is made, rather than as a failed environment: the operator must add a load balancer.
        if (await PlacementRefusalAsync(db, host, cancellationToken) is { } full)
        {
            logger.LogWarning("An order of customer {CustomerId} was refused: {Reason}", customerId, full);
            return new OrderOutcome.Unavailable(full + " Your order was not placed.");
        }
        AttachGitLab(host, access);
        try
        {
            host.GitLab.TokenSecretArn = await vault.CreateAsync(slug, host.Name, host.Id, new HostGitLabSecret(gitLabToken, token), cancellationToken);
        }
        catch (Aws.AwsException e) when (e.Retryable)
        {
            return new OrderOutcome.Unavailable($"The token could not be stored in AWS Secrets Manager ({e.Code}); the order was not placed. Try again in a moment.");
        }
        db.Hosts.Add(host);
        db.Record(actor, AuditActions.HostOrdered, Describe(valid), customerId, host.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(UniqueHostNameIndex))
        {
            // Another request took the name between the check and the insert.
            await ForgetSecretAsync(host.GitLab.TokenSecretArn);
            return NameTakenOutcome(valid.Name);
        }
        catch (DbUpdateException e) when (HostClaims.RaceLost(e) is { } lost)
        {
            await ForgetSecretAsync(host.GitLab.TokenSecretArn);
            return new OrderOutcome.Invalid(lost);
        }
        catch (DbUpdateException)
        {
            await ForgetSecretAsync(host.GitLab.TokenSecretArn);
            throw;
        }
        await StartProvisioningAsync(host.Id, cancellationToken);
        return new OrderOutcome.Created(host.Id, host.Name, token);
    }

    /// <summary>What the token check learnt: routing by the project's numeric id from now on, and whether the portal wires GitLab up.</summary>
    private static void AttachGitLab(Host host, GitLabAccess.Granted access)
    {
        host.GitLab.ProjectId = access.Project.Id;
        host.GitLab.DefaultBranch = access.Project.DefaultBranch;
        // GitLab's own clone URL, not the one typed: pushes are checked against its instance (X-Gitlab-Instance).
        if (access.Project.HttpUrlToRepo is { Length: > 0 } cloneUrl) host.GitLab.HttpUrl = cloneUrl;
        host.GitLab.Automates = access.Automates;
        host.GitLab.ManualReason = access.ManualReason;
        host.GitLab.HookChanged();
    }

    private async Task ForgetSecretAsync(string? secretArn)
    {
        if (secretArn is null) return;
        try
        {
            await vault.DeleteAsync(secretArn, CancellationToken.None);
        }
        catch (Aws.AwsException e)
        {
            logger.LogWarning("The GitLab token secret of an order that was not placed could not be deleted ({Code}); it stays until removed by hand.", e.Code);
        }
    }

    private static string FieldOf(GitLabAccessField field) =>
        field == GitLabAccessField.Project ? HostOrderFields.GitLabProjectPath : HostOrderFields.GitLabToken;

    /// <summary>
    /// Replaces the host's webhook token; the old one stops working at once. Null when the customer has no such host.
    /// One UPDATE of the hash alone, so that it does not collide with the jobs that change the host's state meanwhile
    /// (a save of the loaded row would fail its row version).
    /// </summary>
    public async Task<string?> RegenerateWebhookTokenAsync(Actor actor, Guid customerId, string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var hostId = await db.Hosts.Named(customerId, name).Select(h => (Guid?)h.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (hostId is null) return null;
        var token = SecretToken.Generate(HostWebhook.TokenPrefix);
        var hash = SecretToken.Hash(token);
        var now = clock.GetUtcNow();
        // The clear token goes to the host's secret first, so the hook sync registers the token the hash was made of.
        var gitLab = await db.Hosts.Where(h => h.Id == hostId).Select(h => new { h.GitLab.TokenSecretArn, h.GitLab.Automates, h.GitLab.HookId })
            .SingleAsync(cancellationToken);
        if (gitLab.TokenSecretArn is { } secretArn)
        {
            var secret = await vault.ReadAsync(secretArn, cancellationToken);
            await vault.PutAsync(secretArn, secret with { WebhookToken = token }, cancellationToken);
        }
        var resync = gitLab.Automates || gitLab.HookId is not null;
        var updated = await db.Hosts.Where(h => h.Id == hostId)
            .ExecuteUpdateAsync(set => set.SetProperty(h => h.WebhookTokenHash, hash).SetProperty(h => h.UpdatedAt, now)
                .SetProperty(h => h.GitLab.HookDue, h => resync || h.GitLab.HookDue)
                .SetProperty(h => h.GitLab.HookNextAttemptAt, h => resync ? null : h.GitLab.HookNextAttemptAt), cancellationToken);
        if (updated == 0) return null; // Deleted since.
        db.Record(actor, AuditActions.HostWebhookTokenRegenerated, $"Host '{name}'", customerId, hostId);
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

    private static Host ToHost(Guid customerId, string customerSlug, ValidHostOrder order, string tokenHash, DateTimeOffset now)
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
        };
        HostOrderMapping.Apply(order, host);
        foreach (var environment in order.Environments) HostOrderMapping.AddEnvironment(host, customerSlug, environment, now);
        return host;
    }

    private static string Describe(ValidHostOrder order) =>
        $"Host '{order.Name}': plan {order.Plan}, environments {string.Join(", ", order.Environments.Select(e => $"{EnvironmentNames.Of(e.Kind)} ({e.Branch})"))}, " +
        $"GitLab {order.GitLabProjectPath}, database {order.Database.Engine}" +
        (order.CustomDomain is null ? "" : $", custom domain {order.CustomDomain}");

    private static string NameTaken(string name) => $"You already have a host named '{name}'. Choose another name.";

    private Task<string?> PlacementRefusalAsync(PortalDbContext db, Host host, CancellationToken cancellationToken) =>
        listeners.PlacementRefusalAsync(db, host.Environments.Select(e => ListenerCapacity.NeedOf(e, host)).ToList(), cancellationToken);

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

    /// <summary>GitLab or AWS did not answer; nothing was ordered (the API answers 503).</summary>
    public sealed record Unavailable(string Message) : OrderOutcome;
}
