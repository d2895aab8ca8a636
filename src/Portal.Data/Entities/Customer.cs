namespace Portal.Data.Entities;

/// <summary>A tenant: the organisation that owns hosts. Users of the Customer role belong to exactly one.</summary>
public class Customer
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }

    /// <summary>Lower-case, stack-name-safe identifier used in AWS names and tags (portal:customer).</summary>
    public required string Slug { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Set while an operator has suspended the customer: its people cannot sign in and its tokens do not work.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }

    /// <summary>How many hosts the customer may have; null means the installation's Quotas:MaxHostsPerCustomer.</summary>
    public int? MaxHosts { get; set; }

    public bool IsSuspended => SuspendedAt is not null;

    public List<Host> Hosts { get; set; } = [];
    public List<PortalUser> Users { get; set; } = [];
}
