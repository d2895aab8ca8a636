using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;
using Portal.Data.Mail;

namespace Portal.Data.Configuration;

internal sealed class GitLabIdentityConfiguration : IEntityTypeConfiguration<GitLabIdentity>
{
    public void Configure(EntityTypeBuilder<GitLabIdentity> identity)
    {
        identity.HasKey(i => i.UserId);
        identity.Property(i => i.Username).HasMaxLength(ColumnLengths.Username);
        identity.HasIndex(i => i.GitLabUserId).IsUnique();
        identity.HasOne(i => i.User).WithOne().HasForeignKey<GitLabIdentity>(i => i.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApprovalRuleChangeConfiguration : IEntityTypeConfiguration<ApprovalRuleChange>
{
    public void Configure(EntityTypeBuilder<ApprovalRuleChange> change)
    {
        change.Property(c => c.State).HasField("state");
        // One open proposal per host: a second operator confirms exactly the one they read.
        change.HasIndex(c => c.HostId, "IX_ApprovalRuleChanges_Open").IsUnique().HasFilter("\"State\" = 'Proposed'");
        change.HasOne(c => c.Host).WithMany().HasForeignKey(c => c.HostId).OnDelete(DeleteBehavior.Cascade);
        change.HasOne(c => c.ProposedBy).WithMany().HasForeignKey(c => c.ProposedById).OnDelete(DeleteBehavior.Restrict);
        change.HasOne<PortalUser>().WithMany().HasForeignKey(c => c.DecidedById).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OutgoingMailConfiguration : IEntityTypeConfiguration<OutgoingMail>
{
    public void Configure(EntityTypeBuilder<OutgoingMail> mail)
    {
        mail.Property(m => m.Key).HasMaxLength(300);
        mail.Property(m => m.Recipient).HasMaxLength(ColumnLengths.Email);
        mail.Property(m => m.Subject).HasMaxLength(300);
        mail.Property(m => m.LastError).HasMaxLength(ColumnLengths.Reason);
        mail.Property(m => m.Link).HasMaxLength(500);
        mail.HasIndex(m => m.Key).IsUnique();
        // The queue: unsent, not abandoned, by when it may be tried.
        mail.HasIndex(m => m.NextAttemptAt, "IX_OutgoingMails_Queued").HasFilter("\"SentAt\" IS NULL AND \"AbandonedAt\" IS NULL");
    }
}

internal sealed class MailPreferenceConfiguration : IEntityTypeConfiguration<MailPreference>
{
    public void Configure(EntityTypeBuilder<MailPreference> preference)
    {
        preference.HasKey(p => p.UserId);
        preference.HasOne<PortalUser>().WithOne().HasForeignKey<MailPreference>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
