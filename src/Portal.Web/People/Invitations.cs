using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Mail;
using Portal.Data.Security;
using Portal.GitLab;
using Portal.Web.Mail;

namespace Portal.Web.People;

/// <summary>
/// Invitations: the only way an account comes to exist outside Development. A link is single-use and expires; only
/// its hash is stored. Accepting sets a password (or links a single sign-on identity with the same verified e-mail).
/// </summary>
public sealed class Invitations(
    IDbContextFactory<PortalDbContext> contexts,
    MailLinkProtector secretLinks,
    IPortalAddress portal,
    AccountOptions options,
    TimeProvider clock)
{
    public const string AcceptPath = "account/invitation";
    public const string TokenPrefix = "inv_";

    /// <summary>Records an invitation and answers its link, without sending it (the first operator's command prints it).</summary>
    public Task<InviteOutcome> CreateAsync(Actor actor, string? email, InvitedRole role, Guid? customerId,
        CancellationToken cancellationToken = default) => RecordAsync(actor, email, role, customerId, mail: false, cancellationToken);

    /// <summary>Records an invitation and queues its e-mail in the same transaction (the outbox sends it, with retries).</summary>
    public Task<InviteOutcome> InviteAsync(Actor actor, string? email, InvitedRole role, Guid? customerId,
        CancellationToken cancellationToken = default) => RecordAsync(actor, email, role, customerId, mail: true, cancellationToken);

    private async Task<InviteOutcome> RecordAsync(Actor actor, string? email, InvitedRole role, Guid? customerId, bool mail,
        CancellationToken cancellationToken)
    {
        email = email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > ColumnLengths.Email || !new EmailAddressAttribute().IsValid(email))
            return new InviteOutcome.Refused(ActionResult.Invalid("email", "Enter the e-mail address of the person to invite."));
        if ((role == InvitedRole.Operator) != (customerId is null))
            return new InviteOutcome.Refused(ActionResult.Invalid("role", "Operators belong to no customer; customer admins and members to one."));

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (customerId is { } id && !await db.Customers.AnyAsync(c => c.Id == id, cancellationToken))
            return new InviteOutcome.Refused(ActionResult.NotFound("There is no such customer."));
        var normalized = email.ToUpperInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
            return new InviteOutcome.Refused(ActionResult.Conflict($"{email} already has an account."));

        var now = clock.GetUtcNow();
        // One open link per address: a new invitation replaces the older ones.
#pragma warning disable CA1304, CA1311, CA1862 // EF Core translates this upper()/lower() to SQL; no .NET culture applies.
        foreach (var older in await db.Invitations.Where(i => i.Email.ToUpper() == normalized && i.AcceptedAt == null && i.RevokedAt == null)
                     .ToListAsync(cancellationToken))
#pragma warning restore CA1304, CA1311, CA1862
            older.RevokedAt = now;

        var token = SecretToken.Generate(TokenPrefix);
        var invitation = new Invitation
        {
            Email = email,
            Role = role,
            CustomerId = customerId,
            TokenHash = SecretToken.Hash(token),
            InvitedById = actor.UserId,
            InvitedByName = actor.Name,
            CreatedAt = now,
            ExpiresAt = now + options.InvitationLifetime,
        };
        db.Invitations.Add(invitation);
        db.Record(actor, AuditActions.UserInvited, $"{email} as {role}", customerId);
        if (mail)
            await MailOutbox.QueueAsync(db, $"invitation:{invitation.Id:N}", [email], "You are invited to Portal", InvitationText(invitation, actor),
                secretLinks.Protect(RelativeLinkOf(token)), now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return new InviteOutcome.Created(InvitationSummary.From(invitation), new Uri(portal.BaseUrl, RelativeLinkOf(token)).ToString());
    }

    public async Task<Invitation?> FindOpenAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (token is null || !token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        var hash = SecretToken.Hash(token);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invitation = await db.Invitations.AsNoTracking().Include(i => i.Customer).SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        return invitation is not null && invitation.IsOpenAt(clock.GetUtcNow()) && invitation.Customer?.IsSuspended != true ? invitation : null;
    }

    /// <summary>
    /// Uses the invitation once and creates its account. The invitation is claimed with a conditional update first, so
    /// two clicks of one link cannot make two accounts; a refused password gives it back.
    /// </summary>
    public async Task<AcceptOutcome> AcceptAsync(string? token, string displayName, string? password, UserManager<PortalUser> users,
        CancellationToken cancellationToken = default)
    {
        if (await FindOpenAsync(token, cancellationToken) is not { } invitation)
            return new AcceptOutcome.Refused(ActionResult.NotFound("This invitation link is used, expired or withdrawn. Ask for a new one."));
        var user = new PortalUser
        {
            UserName = invitation.Email,
            Email = invitation.Email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? invitation.Email : displayName.Trim(),
            CustomerId = invitation.CustomerId,
            CreatedAt = clock.GetUtcNow(),
        };
        if (user.DisplayName.Length > ColumnLengths.DisplayName)
            return new AcceptOutcome.Refused(ActionResult.Invalid("displayName", $"Use at most {ColumnLengths.DisplayName} characters."));
        if (password is not null && await PasswordProblemAsync(users, user, password) is { } problem)
            return new AcceptOutcome.Refused(ActionResult.Invalid("password", problem));

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var claimed = await db.Invitations
            .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.AcceptedAt, now), cancellationToken);
        if (claimed == 0)
            return new AcceptOutcome.Refused(ActionResult.NotFound("This invitation link is used, expired or withdrawn. Ask for a new one."));

        var created = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            await db.Invitations.Where(i => i.Id == invitation.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.AcceptedAt, (DateTimeOffset?)null), cancellationToken);
            return new AcceptOutcome.Refused(ActionResult.Conflict(string.Join(" ", created.Errors.Select(e => e.Description))));
        }
        foreach (var role in RolesOf(invitation.Role)) await users.AddToRoleAsync(user, role);
        db.Record(new Actor(user.Id, user.Email!), AuditActions.InvitationAccepted, $"{invitation.Role}, invited by {invitation.InvitedByName}",
            invitation.CustomerId);
        await db.SaveChangesAsync(cancellationToken);
        return new AcceptOutcome.Accepted(user);
    }

    public async Task<List<InvitationSummary>> ListOpenAsync(Guid? customerId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = await db.Invitations.AsNoTracking()
            .Where(i => i.CustomerId == customerId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt).ToListAsync(cancellationToken);
        return [.. open.Select(InvitationSummary.From)];
    }

    /// <summary>Withdraws an open invitation of <paramref name="customerId"/> (null: an operator's invitation).</summary>
    public async Task<ActionResult> RevokeAsync(Actor actor, Guid? customerId, Guid invitationId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.CustomerId == customerId, cancellationToken);
        if (invitation is null) return ActionResult.NotFound("There is no such invitation.");
        if (invitation.AcceptedAt is not null) return ActionResult.Conflict("This invitation was already accepted.");
        invitation.RevokedAt ??= clock.GetUtcNow();
        db.Record(actor, AuditActions.InvitationRevoked, invitation.Email, customerId);
        await db.SaveChangesAsync(cancellationToken);
        return ActionResult.Done($"The invitation of {invitation.Email} is withdrawn.");
    }

    public static IReadOnlyList<string> RolesOf(InvitedRole role) => role switch
    {
        InvitedRole.Operator => [PortalRoles.Operator],
        InvitedRole.CustomerAdmin => [PortalRoles.Customer, PortalRoles.CustomerAdmin],
        _ => [PortalRoles.Customer],
    };

    private static string RelativeLinkOf(string token) => $"{AcceptPath}?token={Uri.EscapeDataString(token)}";

    private static string InvitationText(Invitation invitation, Actor actor) =>
        $"""
         {actor.Name} invited you to Portal as {Describe(invitation.Role)}.

         If you did not expect this, ignore this e-mail. Otherwise open the link below to set your password (or sign in with
         single sign-on); it works once, until {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC.
         """;

    private static string Describe(InvitedRole role) => role switch
    {
        InvitedRole.Operator => "an operator",
        InvitedRole.CustomerAdmin => "a customer admin",
        _ => "a team member",
    };

    private static async Task<string?> PasswordProblemAsync(UserManager<PortalUser> users, PortalUser user, string password)
    {
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            if (!result.Succeeded) return string.Join(" ", result.Errors.Select(e => e.Description));
        }
        return null;
    }
}

public sealed record InvitationSummary(Guid Id, string Email, InvitedRole Role, Guid? CustomerId, string InvitedBy,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public static InvitationSummary From(Invitation i) => new(i.Id, i.Email, i.Role, i.CustomerId, i.InvitedByName, i.CreatedAt, i.ExpiresAt);
}

public abstract record InviteOutcome
{
    public sealed record Created(InvitationSummary Invitation, string Link) : InviteOutcome;
    public sealed record Refused(ActionResult Result) : InviteOutcome;
}

public abstract record AcceptOutcome
{
    public sealed record Accepted(PortalUser User) : AcceptOutcome;
    public sealed record Refused(ActionResult Result) : AcceptOutcome;
}
