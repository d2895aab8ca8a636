using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;

namespace Portal.Web.People;

/// <summary>The customers (tenants): operators create, rename, set quotas, suspend and resume them.</summary>
public sealed partial class CustomerDirectory(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public const int MaxQuota = 10_000;

    public async Task<List<CustomerSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Summaries(db.Customers.OrderBy(c => c.Name)).ToListAsync(cancellationToken);
    }

    public async Task<CustomerSummary?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Summaries(db.Customers.Where(c => c.Id == id)).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<(ActionResult Result, Guid? Id)> CreateAsync(Actor actor, string? name, string? slug, int? maxHosts,
        CancellationToken cancellationToken = default)
    {
        if (NameProblem(name) is { } nameProblem) return (ActionResult.Invalid("name", nameProblem), null);
        slug = slug?.Trim();
        if (string.IsNullOrEmpty(slug) || !SlugPattern().IsMatch(slug))
            return (ActionResult.Invalid("slug", "Use 2 to 32 lower-case letters, digits and hyphens, starting with a letter (it is part of AWS names)."), null);
        if (QuotaProblem(maxHosts) is { } quotaProblem) return (ActionResult.Invalid("maxHosts", quotaProblem), null);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Customers.AnyAsync(c => c.Slug == slug, cancellationToken))
            return (ActionResult.Conflict($"A customer with the identifier '{slug}' exists already."), null);
        var customer = new Customer { Name = name!.Trim(), Slug = slug, MaxHosts = maxHosts, CreatedAt = clock.GetUtcNow() };
        db.Customers.Add(customer);
        db.Record(actor, AuditActions.CustomerCreated, $"{customer.Name} ({slug})", customer.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DatabaseErrors.IsUniqueViolation(e))
        {
            return (ActionResult.Conflict($"A customer with the identifier '{slug}' exists already."), null);
        }
        return (ActionResult.Done($"Customer {customer.Name} is created."), customer.Id);
    }

    /// <summary>Renames, sets the quota (null: leave; 0: the installation's default) and suspends or resumes a customer.</summary>
    public async Task<ActionResult> UpdateAsync(Actor actor, Guid id, CustomerChange change, CancellationToken cancellationToken = default)
    {
        if (change.Name is not null && NameProblem(change.Name) is { } nameProblem) return ActionResult.Invalid("name", nameProblem);
        if (change.MaxHosts is { } quota && quota != 0 && QuotaProblem(quota) is { } quotaProblem)
            return ActionResult.Invalid("maxHosts", quotaProblem);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null) return ActionResult.NotFound("There is no such customer.");
        var now = clock.GetUtcNow();
        if (change.Name is not null && change.Name.Trim() != customer.Name)
        {
            db.Record(actor, AuditActions.CustomerRenamed, $"{customer.Name} → {change.Name.Trim()}", id);
            customer.Name = change.Name.Trim();
        }
        if (change.MaxHosts is { } max && (max == 0 ? null : max) != customer.MaxHosts)
        {
            customer.MaxHosts = max == 0 ? null : max;
            db.Record(actor, AuditActions.CustomerQuotaSet, customer.MaxHosts is null ? "installation default" : $"{max} hosts", id);
        }
        if (change.Suspended == true && !customer.IsSuspended)
        {
            customer.SuspendedAt = now;
            foreach (var userId in await db.Users.Where(u => u.CustomerId == id).Select(u => u.Id).ToListAsync(cancellationToken))
                await Auth.SessionStore.EndAllAsync(db, userId, now, "customer suspended", cancellationToken);
            db.Record(actor, AuditActions.CustomerSuspended, customer.Name, id);
        }
        else if (change.Suspended == false && customer.IsSuspended)
        {
            customer.SuspendedAt = null;
            db.Record(actor, AuditActions.CustomerResumed, customer.Name, id);
        }
        await db.SaveChangesAsync(cancellationToken);
        return ActionResult.Done($"Customer {customer.Name} is saved.");
    }

    private static IQueryable<CustomerSummary> Summaries(IQueryable<Customer> customers) =>
        customers.AsNoTracking().Select(c => new CustomerSummary(c.Id, c.Name, c.Slug, c.MaxHosts, c.SuspendedAt, c.CreatedAt,
            c.Users.Count(u => u.DisabledAt == null), c.Hosts.Count(h => h.State != HostState.Decommissioned)));

    private static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Give the customer a name."
        : name.Trim().Length > ColumnLengths.CustomerName ? $"Use at most {ColumnLengths.CustomerName} characters."
        : null;

    private static string? QuotaProblem(int? maxHosts) =>
        maxHosts is < 1 or > MaxQuota ? $"The quota is between 1 and {MaxQuota} hosts (leave it out for the installation's default)." : null;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$")]
    private static partial Regex SlugPattern();
}

/// <summary>What an operator changes about a customer; null leaves a field as it is.</summary>
public sealed record CustomerChange(string? Name = null, int? MaxHosts = null, bool? Suspended = null);

public sealed record CustomerSummary(Guid Id, string Name, string Slug, int? MaxHosts, DateTimeOffset? SuspendedAt, DateTimeOffset CreatedAt,
    int People, int Hosts);
