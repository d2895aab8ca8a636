using Microsoft.AspNetCore.Identity;

namespace Portal.Data.Entities;

/// <summary>A person who signs in. Customers belong to one <see cref="Customer"/>; operators belong to none.</summary>
public class PortalUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public Guid? CustomerId { get; set; }
    public Customer? Customer { get; set; }

    /// <summary>GitLab username linked to this account; used to refuse approving one's own push.</summary>
    public string? GitLabUsername { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Set when the user was removed from their team or disabled: no sign-in, no session, no token.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    public bool IsDisabled => DisabledAt is not null;
}
