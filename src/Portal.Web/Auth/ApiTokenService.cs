using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Security;

namespace Portal.Web.Auth;

/// <summary>Creates, lists, revokes and checks personal API tokens. The clear token exists only in the answer to Create.</summary>
public sealed class ApiTokenService(PortalDbContext db, TimeProvider clock)
{
    public const string TokenPrefix = "pat_";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedApiToken> CreateAsync(Actor owner, string name, CancellationToken cancellationToken = default)
    {
        var clear = SecretToken.Generate(TokenPrefix);
        var token = new ApiToken
        {
            UserId = owner.UserId ?? throw new ArgumentException("A token needs a user.", nameof(owner)),
            Name = name.Trim(),
            Prefix = clear[..(TokenPrefix.Length + 6)],
            Hash = SecretToken.Hash(clear),
            CreatedAt = clock.GetUtcNow(),
        };
        db.ApiTokens.Add(token);
        db.Record(owner, "api-token.created", $"Token '{token.Name}' ({token.Prefix}…)");
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiToken(ApiTokenSummary.From(token), clear);
    }

    public Task<List<ApiTokenSummary>> ListAsync(Guid userId, CancellationToken cancellationToken = default) =>
        db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new ApiTokenSummary(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.RevokedAt))
            .ToListAsync(cancellationToken);

    /// <summary>Revokes one of the owner's tokens. Returns false when the owner has no such token.</summary>
    public async Task<bool> RevokeAsync(Actor owner, Guid tokenId, CancellationToken cancellationToken = default)
    {
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == owner.UserId, cancellationToken);
        if (token is null) return false;
        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow();
            db.Record(owner, "api-token.revoked", $"Token '{token.Name}' ({token.Prefix}…)");
            await db.SaveChangesAsync(cancellationToken);
        }
        return true;
    }

    /// <summary>The user a presented token belongs to, or null when the token is unknown or revoked.</summary>
    public async Task<PortalUser?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        // The lookup is by hash, so nothing about the clear token's value leaks through timing.
        var hash = SecretToken.Hash(presented);
        var token = await db.ApiTokens.Include(t => t.User)
            .SingleOrDefaultAsync(t => t.Hash == hash && t.RevokedAt == null, cancellationToken);
        if (token is null) return null;

        var now = clock.GetUtcNow();
        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            token.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }
        return token.User;
    }
}

public sealed record ApiTokenSummary(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public bool IsActive => RevokedAt is null;

    public static ApiTokenSummary From(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.RevokedAt);
}

/// <summary>A new token: the only moment its clear value is known.</summary>
public sealed record CreatedApiToken(ApiTokenSummary Token, string Value);
