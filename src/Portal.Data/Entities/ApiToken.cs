namespace Portal.Data.Entities;

/// <summary>A personal API token. Only its SHA-256 hash is stored; the clear token is shown once.</summary>
public class ApiToken
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid UserId { get; set; }
    public PortalUser User { get; set; } = null!;
    public required string Name { get; set; }

    /// <summary>The first characters of the token, so people can tell their tokens apart.</summary>
    public required string Prefix { get; set; }
    public required string Hash { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>When the token stops working by itself (API tokens always expire).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>What the token may do: space-separated names of <c>ApiScopes</c> (read, write, operations).</summary>
    public string Scopes { get; set; } = "";

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
