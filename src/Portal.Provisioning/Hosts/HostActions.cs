using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Hosts;

/// <summary>
/// The operations a customer starts on one of their hosts, found by name: retry what failed, decommission.
/// Another customer's host is not found. The operations' rules and audit entries are <see cref="HostOperations"/>';
/// this adds the customer's scope and the typed confirmation a decommission needs. Each call runs in a DI scope of
/// its own, so a page (whose services live as long as its circuit) decides on the host as the database has it now.
/// </summary>
public sealed class HostActions(IServiceScopeFactory scopes)
{
    /// <summary>The name of the confirmation field in the API (<c>?confirm=</c>) and the form.</summary>
    public const string ConfirmationField = "confirm";

    /// <summary>A decommission is confirmed by typing the host's name exactly (surrounding spaces aside).</summary>
    public static bool Confirms(string hostName, string? typed) =>
        typed is not null && string.Equals(typed.Trim(), hostName, StringComparison.Ordinal);

    public static string ConfirmationMissing(string hostName) =>
        $"Type the host's name, '{hostName}', to confirm: decommissioning deletes every environment of the host.";

    /// <summary>Runs the failed operation of every failed environment again; a conflict when nothing has failed.</summary>
    public async Task<HostActionResult> RetryAsync(Actor actor, Guid customerId, string name, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await FindAsync(scope, customerId, name, cancellationToken) is not { } hostId) return HostActionResult.NotFound(name);
        return From(await OperationsOf(scope).RetryAsync(hostId, actor, cancellationToken), name);
    }

    /// <summary>Starts deleting every stack of the host once <paramref name="confirmation"/> is its name; a conflict while another operation runs.</summary>
    public async Task<HostActionResult> DecommissionAsync(Actor actor, Guid customerId, string name, string? confirmation,
        CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await FindAsync(scope, customerId, name, cancellationToken) is not { } hostId) return HostActionResult.NotFound(name);
        if (!Confirms(name, confirmation)) return new HostActionResult(HostActionOutcome.NotConfirmed, ConfirmationMissing(name));
        return From(await OperationsOf(scope).DecommissionAsync(hostId, actor, cancellationToken), name);
    }

    private static Task<Guid?> FindAsync(AsyncServiceScope scope, Guid customerId, string name, CancellationToken cancellationToken) =>
        scope.ServiceProvider.GetRequiredService<PortalDbContext>().Hosts
            .Where(h => h.CustomerId == customerId && h.Name == name)
            .Select(h => (Guid?)h.Id)
            .SingleOrDefaultAsync(cancellationToken);

    private static HostOperations OperationsOf(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<HostOperations>();

    private static HostActionResult From(HostOperationResult result, string name) => result.Outcome switch
    {
        HostOperationOutcome.Started => HostActionResult.Started,
        HostOperationOutcome.NotFound => HostActionResult.NotFound(name),
        _ => new HostActionResult(HostActionOutcome.Conflict, result.Message),
    };
}

/// <summary>What became of a customer's request to start an operation on one of their hosts.</summary>
public sealed record HostActionResult(HostActionOutcome Outcome, string? Message = null)
{
    public static readonly HostActionResult Started = new(HostActionOutcome.Started);

    public static HostActionResult NotFound(string name) => new(HostActionOutcome.NotFound, $"You have no host named '{name}'.");
}

public enum HostActionOutcome
{
    Started,
    NotFound,
    /// <summary>Refused as things stand (another operation runs, nothing to retry); the message says why.</summary>
    Conflict,
    /// <summary>A decommission without the host's name typed as confirmation.</summary>
    NotConfirmed,
}
