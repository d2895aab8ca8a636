using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;

namespace Portal.Web.People;

/// <summary>
/// `create-operator --email someone@example.com [--portal-url https://portal.example.com]`: the way into a fresh
/// installation. Applies migrations, records an operator invitation and prints its one-time link (no e-mail is sent).
/// Refused once an operator exists: from then on operators invite operators in the portal.
/// </summary>
public static class FirstOperatorCommand
{
    public const string Name = "create-operator";

    public static async Task<int> RunAsync(string[] args, TextWriter output, Action<WebApplicationBuilder>? configure = null)
    {
        var email = ValueOf(args, "--email");
        if (string.IsNullOrWhiteSpace(email))
        {
            await output.WriteLineAsync($"Usage: {Name} --email <address> [--portal-url <https://portal.example.com>]");
            return 2;
        }
        var portalUrl = ValueOf(args, "--portal-url");
        var rest = args.Where((_, i) => !IsOption(args, i)).ToList();
        // The command must not start background work or listen: it only writes to the database.
        rest.AddRange(["--Jobs:RunServer=false"]);
        if (portalUrl is not null) rest.Add($"--GitLab:PortalUrl={portalUrl}");

        var app = PortalApp.Build([.. rest], configure);
        await PortalApp.MigrateAsync(app);
        var contexts = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var operatorRole = await db.Roles.SingleAsync(r => r.Name == PortalRoles.Operator);
            var operators = from link in db.UserRoles
                            join user in db.Users on link.UserId equals user.Id
                            where link.RoleId == operatorRole.Id && user.DisabledAt == null
                            select user;
            if (await operators.AnyAsync())
            {
                await output.WriteLineAsync("An operator exists already: operators invite operators in the portal (Operations → People).");
                return 1;
            }
        }

        var outcome = await app.Services.GetRequiredService<Invitations>()
            .CreateAsync(new Actor(null, "command line"), email, InvitedRole.Operator, customerId: null);
        switch (outcome)
        {
            case InviteOutcome.Created created:
                await output.WriteLineAsync($"Invitation for {created.Invitation.Email} (operator), valid until {created.Invitation.ExpiresAt:u}:");
                await output.WriteLineAsync(created.Link);
                return 0;
            case InviteOutcome.Refused refused:
                await output.WriteLineAsync(refused.Result.Message);
                return 1;
            default:
                return 1;
        }
    }

    private static string? ValueOf(string[] args, string option)
    {
        var at = Array.IndexOf(args, option);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static bool IsOption(string[] args, int index) =>
        args[index] is "--email" or "--portal-url" || (index > 0 && args[index - 1] is "--email" or "--portal-url");
}
