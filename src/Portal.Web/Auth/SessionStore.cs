using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Microsoft.Extensions.Options;
using Portal.Web.People;

namespace Portal.Web.Auth;

/// <summary>
/// Browser sessions in Postgres. A sign-in starts one; each request (cookie validation) and each open circuit
/// (revalidation) asks <see cref="StandsAsync"/>, so an ended session stops working everywhere at once.
/// </summary>
public sealed class SessionStore(IDbContextFactory<PortalDbContext> contexts, AccountOptions options, IOptions<IdentityOptions> identity,
    TimeProvider clock)
{
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    public async Task<Guid> StartAsync(Guid userId, string? sourceAddress, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var session = new UserSession { UserId = userId, CreatedAt = now, LastSeenAt = now, SourceAddress = sourceAddress };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return session.Id;
    }

    /// <summary>
    /// Whether the principal's session still stands: not ended, neither idle nor too old, the user neither disabled nor
    /// of a suspended customer, and the security stamp unchanged. Marks the session as used (at most once a minute).
    /// </summary>
    public async Task<bool> StandsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(principal.FindFirstValue(PortalClaims.SessionId), out var sessionId)) return false;
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var session = await db.UserSessions.Include(s => s.User).ThenInclude(u => u.Customer)
            .SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null || session.IsEnded) return false;

        var now = clock.GetUtcNow();
        var reason = session.User.IsDisabled ? "user disabled"
            : session.User.Customer?.IsSuspended == true ? "customer suspended"
            : session.User.SecurityStamp != stamp ? "security stamp changed"
            : now - session.LastSeenAt > options.SessionIdleTimeout ? "idle timeout"
            : now - session.CreatedAt > options.SessionAbsoluteLifetime ? "absolute lifetime"
            : null;
        if (reason is not null) session.End(now, reason);
        else if (now - session.LastSeenAt > LastSeenResolution) session.LastSeenAt = now;
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(cancellationToken);
        return reason is null;
    }

    public async Task EndAsync(ClaimsPrincipal principal, string reason, CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(principal.FindFirstValue(PortalClaims.SessionId), out var sessionId)) return;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.EndedAt, clock.GetUtcNow()).SetProperty(s => s.EndReason, reason),
                cancellationToken);
    }

    /// <summary>Ends every open session of the user, in the caller's unit of work.</summary>
    public static async Task EndAllAsync(PortalDbContext db, Guid userId, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        foreach (var session in await db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null).ToListAsync(cancellationToken))
            session.End(now, reason);
    }
}
