using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Auth;

/// <summary>The two accounts seeded in the Development environment only; the README names them.</summary>
public static class DemoAccounts
{
    public const string CustomerEmail = "customer@demo.portal";
    public const string CustomerPassword = "Customer#2026!";
    public const string OperatorEmail = "operator@demo.portal";
    public const string OperatorPassword = "Operator#2026!";

    public static async Task EnsureRolesAsync(RoleManager<IdentityRole<Guid>> roles)
    {
        foreach (var role in PortalRoles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole<Guid>(role)), $"role {role}");
    }

    public static async Task SeedAsync(PortalDbContext db, UserManager<PortalUser> users)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Slug == "demo");
        if (customer is null)
        {
            customer = new Customer { Name = "Demo Company", Slug = "demo" };
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
        }
        await EnsureUserAsync(users, CustomerEmail, CustomerPassword, "Dana Demo (customer)", PortalRoles.Customer, customer.Id, "dana");
        await EnsureUserAsync(users, OperatorEmail, OperatorPassword, "Olli Ops (operator)", PortalRoles.Operator, null, "olli");
    }

    private static async Task EnsureUserAsync(UserManager<PortalUser> users, string email, string password,
        string displayName, string role, Guid? customerId, string gitLabUsername)
    {
        if (await users.FindByEmailAsync(email) is not null) return;
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            CustomerId = customerId,
            GitLabUsername = gitLabUsername,
        };
        Check(await users.CreateAsync(user, password), email);
        Check(await users.AddToRoleAsync(user, role), email);
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Seeding {what} failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }
}
