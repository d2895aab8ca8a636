using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.People;

/// <summary>
/// The people of one customer (or the operators, customer null): who they are, removing them (which ends their sessions
/// and revokes their tokens at once), ending their sessions, and clearing their failed sign-ins.
/// </summary>
public sealed class TeamMembers(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public async Task<List<MemberSummary>> ListAsync(Guid? customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var people = await PeopleOf(db, customerId).AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var ids = people.Select(p => p.Id).ToList();
        var roles = await (from link in db.UserRoles
                           join role in db.Roles on link.RoleId equals role.Id
                           where ids.Contains(link.UserId)
                           select new { link.UserId, role.Name }).ToListAsync(cancellationToken);
        return [.. people.Select(p => new MemberSummary(p.Id, p.Email!, p.DisplayName,
            RoleOf(roles.Where(r => r.UserId == p.Id).Select(r => r.Name!).ToList()), p.CreatedAt, p.DisabledAt))];
    }

    /// <summary>Disables a member of <paramref name="customerId"/>: no sign-in, every session ended, every token revoked.</summary>
    public async Task<ActionResult> RemoveAsync(Actor actor, Guid? customerId, Guid userId, CancellationToken cancellationToken = default)
    {
        if (actor.UserId == userId) return ActionResult.Conflict("You cannot remove yourself; ask another admin or an operator.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await PeopleOf(db, customerId).SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null) return ActionResult.NotFound("There is no such person in this team.");
        if (user.IsDisabled) return ActionResult.Done($"{user.Email} was already removed.");

        var now = clock.GetUtcNow();
        user.DisabledAt = now;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        await EndAccessAsync(db, userId, now, "user removed", cancellationToken);
        db.Record(actor, AuditActions.UserRemoved, user.Email, customerId);
        await db.SaveChangesAsync(cancellationToken);
        return ActionResult.Done($"{user.Email} is removed: their sessions are ended and their API tokens revoked.");
    }

    /// <summary>"Sign out everywhere": ends every browser session of the user (their tokens stay).</summary>
    public async Task<ActionResult> EndSessionsAsync(Actor actor, Guid? customerId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await PeopleOf(db, customerId).SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null) return ActionResult.NotFound("There is no such person in this team.");
        await SessionStore.EndAllAsync(db, userId, clock.GetUtcNow(), "signed out everywhere", cancellationToken);
        db.Record(actor, AuditActions.UserSessionsEnded, user.Email, user.CustomerId);
        await db.SaveChangesAsync(cancellationToken);
        return ActionResult.Done($"Every session of {user.Email} is ended.");
    }

    /// <summary>Clears the failed sign-ins of an account, so its next attempt waits for nothing (operators only).</summary>
    public async Task<ActionResult> UnlockAsync(Actor actor, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null) return ActionResult.NotFound("There is no such user.");
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        await db.SignInThrottles.Where(t => t.EmailKey == user.NormalizedEmail).ExecuteDeleteAsync(cancellationToken);
        db.Record(actor, AuditActions.UserUnlocked, user.Email, user.CustomerId);
        await db.SaveChangesAsync(cancellationToken);
        return ActionResult.Done($"{user.Email} may sign in again at once.");
    }

    /// <summary>Ends the user's sessions and revokes their tokens, in the caller's unit of work.</summary>
    public static async Task EndAccessAsync(PortalDbContext db, Guid userId, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        await SessionStore.EndAllAsync(db, userId, now, reason, cancellationToken);
        foreach (var token in await db.ApiTokens.Where(t => t.UserId == userId && t.RevokedAt == null).ToListAsync(cancellationToken))
            token.RevokedAt = now;
    }

    // Operators are the users of no customer; a customer's people are its users.
    private static IQueryable<PortalUser> PeopleOf(PortalDbContext db, Guid? customerId) =>
        db.Users.Where(u => u.CustomerId == customerId);

    private static string RoleOf(IReadOnlyCollection<string> roles) =>
        roles.Contains(PortalRoles.Operator) ? "operator"
        : roles.Contains(PortalRoles.CustomerAdmin) ? "customer admin"
        : "customer member";
}

public sealed record MemberSummary(Guid Id, string Email, string DisplayName, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RemovedAt);
