using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Provisioning.Hosts;

/// <summary>
/// A customer's edits of their hosts' orders, for the pages and the API: open the edit, propose it (the preview),
/// confirm or discard it, and read changes back as <see cref="HostChangeView"/>. The rules and audit entries are
/// <see cref="HostChanges"/>'; each call runs in a DI scope of its own, so a page (whose services live as long as its
/// circuit) always decides on the host as the database has it now.
/// </summary>
public sealed class HostChangeRequests(IServiceScopeFactory scopes, HostOrderValidator validator)
{
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 50;

    /// <summary>The host's current order and the rules for changing it; null when the customer has no such host.</summary>
    public async Task<HostEdit?> EditAsync(Guid customerId, string name, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var host = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Hosts.AsNoTracking()
            .Include(h => h.Environments)
            .SingleOrDefaultAsync(h => h.CustomerId == customerId && h.Name == name, cancellationToken);
        return host is null ? null : new HostEdit(host, validator);
    }

    /// <summary>Validates the edit and starts preparing its preview; a newer proposal supersedes an open one.</summary>
    public Task<ChangeOutcome> ProposeAsync(Actor actor, Guid customerId, string name, HostOrder order, CancellationToken cancellationToken = default) =>
        WithChangesAsync(changes => changes.ProposeAsync(actor, customerId, name, order, cancellationToken));

    /// <summary>Saves the proposed order and updates exactly the previewed stacks.</summary>
    public Task<ChangeOutcome> ConfirmAsync(Actor actor, Guid customerId, string name, Guid changeId, CancellationToken cancellationToken = default) =>
        WithChangesAsync(changes => changes.ConfirmAsync(actor, customerId, name, changeId, cancellationToken));

    public Task<ChangeOutcome> DiscardAsync(Actor actor, Guid customerId, string name, Guid changeId, CancellationToken cancellationToken = default) =>
        WithChangesAsync(changes => changes.DiscardAsync(actor, customerId, name, changeId, cancellationToken));

    /// <summary>One change of the customer's host; null when there is no such host or change.</summary>
    public Task<HostChangeView?> GetAsync(Guid customerId, string name, Guid changeId, CancellationToken cancellationToken = default) =>
        WithChangesAsync(async changes => await changes.GetAsync(customerId, name, changeId, cancellationToken) is { } change
            ? HostChangeView.From(change, name)
            : null);

    /// <summary>The host's newest change (open, being applied, or done); null when there is none.</summary>
    public Task<HostChangeView?> LatestAsync(Guid customerId, string name, CancellationToken cancellationToken = default) =>
        WithChangesAsync(async changes => await changes.LatestAsync(customerId, name, cancellationToken) is { } change
            ? HostChangeView.From(change, name)
            : null);

    /// <summary>The host's changes, newest first; null when the customer has no such host.</summary>
    public Task<ResultPage<HostChangeView>?> ListAsync(Guid customerId, string name, int pageNumber = 1, int pageSize = DefaultPageSize,
        CancellationToken cancellationToken = default) =>
        WithChangesAsync(async changes => await changes.ListAsync(customerId, name, pageNumber, pageSize, cancellationToken) is { } page
            ? new ResultPage<HostChangeView>(page.Items.Select(c => HostChangeView.From(c, name)).ToList(), page.Total, page.Page, page.PageSize)
            : null);

    private async Task<T> WithChangesAsync<T>(Func<HostChanges, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HostChanges>());
    }
}
