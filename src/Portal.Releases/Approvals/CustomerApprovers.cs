using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Releases.Approvals;

/// <summary>A host's approver e-mails that belong to portal users who may approve (<see cref="ApprovalRules.IsCustomerApprover"/>).</summary>
public static class CustomerApprovers
{
    public static async Task<IReadOnlyList<string>> InPortalAsync(PortalDbContext db, Host host, CancellationToken cancellationToken)
    {
        if (host.ApproverEmails.Count == 0) return [];
        var users = await db.Users.AsNoTracking().Where(u => u.CustomerId == host.CustomerId && u.Email != null && u.DisabledAt == null)
            .Select(u => new { u.CustomerId, u.Email, u.EmailConfirmed }).ToListAsync(cancellationToken);
        return host.ApproverEmails
            .Where(approver => users.Any(u => ApprovalRules.IsCustomerApprover(host.CustomerId, [approver], u.CustomerId, u.Email, u.EmailConfirmed)))
            .Select(a => a.Trim()).ToList();
    }
}
