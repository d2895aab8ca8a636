using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data.Mail;

/// <summary>Who is told what: the portal users the outbox addresses, by role or by customer, minus those who opted out.</summary>
public static class MailRecipients
{
    public static Task<List<string>> OperatorsAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        (from user in db.Users
         join link in db.UserRoles on user.Id equals link.UserId
         join role in db.Roles on link.RoleId equals role.Id
         where role.Name == PortalRoles.Operator && user.Email != null
         select user.Email!).Distinct().ToListAsync(cancellationToken);

    /// <param name="essential">False for news nobody must act on: users who opted out of such mail are left out.</param>
    public static Task<List<string>> CustomerUsersAsync(PortalDbContext db, Guid customerId, bool essential, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.CustomerId == customerId && u.Email != null)
            .Where(u => essential || !db.MailPreferences.Any(p => p.UserId == u.Id && p.NonEssentialOptOut))
            .Select(u => u.Email!).ToListAsync(cancellationToken);
}
