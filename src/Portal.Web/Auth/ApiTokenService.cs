using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Security;
using Portal.Web.People;

namespace Portal.Web.Auth;

/// <summary>Creates, lists, revokes and checks personal API tokens. The clear token exists only in the answer to Create.</summary>
public sealed class ApiTokenService(IDbContextFactory<PortalDbContext> contexts, AccountOptions options, TimeProvider clock)
{
    public const string TokenPrefix = "pat_";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Creates a token that expires after <paramref name="lifetime"/> (default Portal:Accounts:ApiTokenDefaultLifetime) with
    /// the given scopes (default: every scope the owner's roles allow). Check the request with <see cref="ApiScopes.Check"/> first.
    /// </summary>
    public async Task<CreatedApiToken> CreateAsync(Actor owner, string name, IReadOnlyCollection<string>? scopes = null,
        TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        var userId = owner.UserId ?? throw new ArgumentException("A token needs a user.", nameof(owner));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var isOperator = await (from link in db.UserRoles
                                join role in db.Roles on link.RoleId equals role.Id
                                where link.UserId == userId && role.Name == PortalRoles.Operator
                                select link).AnyAsync(cancellationToken);
        IEnumerable<string> granted = scopes is { Count: > 0 } ? scopes.Distinct().Order() : ApiScopes.AllowedFor(isOperator);
        var clear = SecretToken.Generate(TokenPrefix);
        var now = clock.GetUtcNow();
        var token = new ApiToken
        {
            UserId = userId,
            Name = name.Trim(),
            Prefix = clear[..(TokenPrefix.Length + 6)],
            Hash = SecretToken.Hash(clear),
            CreatedAt = now,
            ExpiresAt = now + (lifetime ?? options.ApiTokenDefaultLifetime),
            Scopes = string.Join(' ', granted),
        };
        db.ApiTokens.Add(token);
        db.Record(owner, AuditActions.ApiTokenCreated, $"Token '{token.Name}' ({token.Prefix}…), {token.Scopes}, until {token.ExpiresAt:yyyy-MM-dd}");
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiToken(ApiTokenSummary.From(token, now), clear);
    }

    public async Task<List<ApiTokenSummary>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tokens = await db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return [.. tokens.Select(t => ApiTokenSummary.From(t, now))];
    }

    /// <summary>Revokes one of the owner's tokens. Returns false when the owner has no such token.</summary>
    public async Task<bool> RevokeAsync(Actor owner, Guid tokenId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == owner.UserId, cancellationToken);
        if (token is null) return false;
        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow();
            db.Record(owner, AuditActions.ApiTokenRevoked, $"Token '{token.Name}' ({token.Prefix}…)");
            await db.SaveChangesAsync(cancellationToken);
        }
        return true;
    }

    /// <summary>
    /// The token a presented value belongs to, with its user, or null when it is unknown, revoked or expired, or its user
    /// is disabled or of a suspended customer.
    /// </summary>
    public async Task<ApiToken?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        // The lookup is by hash, so nothing about the clear token's value leaks through timing.
        var hash = SecretToken.Hash(presented);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var token = await db.ApiTokens.Include(t => t.User).ThenInclude(u => u.Customer)
            .SingleOrDefaultAsync(t => t.Hash == hash && t.RevokedAt == null && t.ExpiresAt > now, cancellationToken);
        if (token is null || token.User.IsDisabled || token.User.Customer?.IsSuspended == true) return null;

        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            token.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }
        return token;
    }
}

public sealed record ApiTokenSummary(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool IsActive)
{
    public static ApiTokenSummary From(ApiToken t, DateTimeOffset now) =>
        new(t.Id, t.Name, t.Prefix, ApiScopes.Parse(t.Scopes), t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.IsActiveAt(now));
}

/// <summary>A new token: the only moment its clear value is known.</summary>
public sealed record CreatedApiToken(ApiTokenSummary Token, string Value);
