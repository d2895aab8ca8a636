using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Mail;

namespace Portal.Web.Mail;

/// <summary>A user's choice of non-essential mail (approved/rejected notices); mail someone must act on is always sent.</summary>
public sealed class MailPreferences(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    public async Task<bool> WantsNonEssentialAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return !await db.MailPreferences.AnyAsync(p => p.UserId == userId && p.NonEssentialOptOut, cancellationToken);
    }

    public async Task SetNonEssentialAsync(Actor actor, bool wanted, CancellationToken cancellationToken = default)
    {
        var userId = actor.UserId ?? throw new ArgumentException("Only a signed-in user sets mail preferences.", nameof(actor));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var preference = await db.MailPreferences.SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (preference is null) db.MailPreferences.Add(preference = new MailPreference { UserId = userId });
        if (preference.NonEssentialOptOut == !wanted && db.Entry(preference).State != EntityState.Added) return;
        preference.NonEssentialOptOut = !wanted;
        preference.UpdatedAt = time.GetUtcNow();
        db.Record(actor, AuditActions.AccountMailPreferenceSet, wanted ? "Receives approval notices." : "Opted out of approval notices.");
        await db.SaveChangesAsync(cancellationToken);
    }
}
