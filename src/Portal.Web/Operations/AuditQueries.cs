using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Views;

namespace Portal.Web.Operations;

/// <summary>The audit log for operators: filtered, paged and exported in the database, newest first.</summary>
public sealed class AuditQueries(IDbContextFactory<PortalDbContext> contexts)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public async Task<ResultPage<AuditRow>> ListAsync(AuditQuery query, int page = 1, int pageSize = DefaultPageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entries = Filter(db, query);
        var total = await entries.CountAsync(cancellationToken);
        var items = await Rows(db, entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip((page - 1) * pageSize).Take(pageSize))
            .ToListAsync(cancellationToken);
        return new ResultPage<AuditRow>(items, total, page, pageSize);
    }

    /// <summary>Every matching entry, newest first, read as it is written out (nothing is held in memory).</summary>
    public async IAsyncEnumerable<AuditRow> StreamAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = Rows(db, Filter(db, query).OrderByDescending(e => e.At).ThenByDescending(e => e.Id)).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken)) yield return row;
    }

    private static IQueryable<AuditEntry> Filter(PortalDbContext db, AuditQuery query)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (query.From is { } from) entries = entries.Where(e => e.At >= from);
        if (query.To is { } to) entries = entries.Where(e => e.At < to);
        if (query.CustomerId is { } customerId) entries = entries.Where(e => e.CustomerId == customerId);
        if (query.HostId is { } hostId) entries = entries.Where(e => e.HostId == hostId);
        if (!string.IsNullOrWhiteSpace(query.Customer))
        {
            var pattern = Like.Contains(query.Customer);
            entries = entries.Where(e => db.Customers.Any(c => c.Id == e.CustomerId &&
                (EF.Functions.ILike(c.Name, pattern, Like.Escape) || EF.Functions.ILike(c.Slug, pattern, Like.Escape))));
        }
        if (!string.IsNullOrWhiteSpace(query.Host))
        {
            var pattern = Like.Contains(query.Host);
            entries = entries.Where(e => db.Hosts.Any(h => h.Id == e.HostId && EF.Functions.ILike(h.Name, pattern, Like.Escape)));
        }
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var pattern = Like.Contains(query.Actor);
            entries = entries.Where(e => EF.Functions.ILike(e.ActorName, pattern, Like.Escape));
        }
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            // "release." finds every release action; "release.approved" that one.
            var pattern = Like.StartsWith(query.Action);
            entries = entries.Where(e => EF.Functions.ILike(e.Action, pattern, Like.Escape));
        }
        return entries;
    }

    private static IQueryable<AuditRow> Rows(PortalDbContext db, IQueryable<AuditEntry> entries) => entries.Select(e => new AuditRow(
        e.Id, e.At, e.ActorName, e.Action, e.Details,
        e.CustomerId, db.Customers.Where(c => c.Id == e.CustomerId).Select(c => c.Slug).FirstOrDefault(),
        e.HostId, db.Hosts.Where(h => h.Id == e.HostId).Select(h => h.Name).FirstOrDefault(),
        e.SourceAddress));
}

/// <summary>Which audit entries: a time range [From, To), a customer and a host (by id or by text in their names), an actor, an action prefix.</summary>
public sealed record AuditQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Customer = null,
    string? Host = null,
    string? Actor = null,
    string? Action = null,
    Guid? CustomerId = null,
    Guid? HostId = null);

public sealed record AuditRow(long Id, DateTimeOffset At, string Actor, string Action, string? Details, Guid? CustomerId, string? Customer,
    Guid? HostId, string? Host, string? SourceAddress);
