using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configuration;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> customer)
    {
        customer.Property(c => c.Name).HasMaxLength(ColumnLengths.CustomerName);
        customer.Property(c => c.Slug).HasMaxLength(ColumnLengths.CustomerSlug);
        customer.HasIndex(c => c.Slug).IsUnique();
    }
}

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> user)
    {
        user.Property(u => u.DisplayName).HasMaxLength(ColumnLengths.DisplayName);
        user.Property(u => u.GitLabUsername).HasMaxLength(255);
        user.HasOne(u => u.Customer).WithMany(c => c.Users).HasForeignKey(u => u.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> token)
    {
        token.Property(t => t.Name).HasMaxLength(ColumnLengths.TokenName);
        token.Property(t => t.Prefix).HasMaxLength(16);
        token.Property(t => t.Hash).HasMaxLength(64);
        token.Property(t => t.Scopes).HasMaxLength(100);
        token.HasIndex(t => t.Hash).IsUnique();
        token.HasIndex(t => t.UserId);
        token.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.Property(e => e.ActorName).HasMaxLength(256);
        entry.Property(e => e.Action).HasMaxLength(100);
        entry.Property(e => e.SourceAddress).HasMaxLength(64);
        entry.HasIndex(e => e.At);
        entry.HasIndex(e => new { e.CustomerId, e.At });
        entry.HasIndex(e => new { e.HostId, e.At });
        entry.HasIndex(e => new { e.Action, e.At });
    }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> invitation)
    {
        invitation.Property(i => i.Email).HasMaxLength(ColumnLengths.Email);
        invitation.Property(i => i.InvitedByName).HasMaxLength(256);
        invitation.Property(i => i.TokenHash).HasMaxLength(64);
        invitation.HasIndex(i => i.TokenHash).IsUnique();
        invitation.HasIndex(i => new { i.CustomerId, i.CreatedAt });
        invitation.HasOne(i => i.Customer).WithMany().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> session)
    {
        session.Property(s => s.EndReason).HasMaxLength(100);
        session.Property(s => s.SourceAddress).HasMaxLength(64);
        session.HasIndex(s => new { s.UserId, s.EndedAt });
        session.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> throttle)
    {
        throttle.HasKey(t => t.EmailKey);
        throttle.Property(t => t.EmailKey).HasMaxLength(ColumnLengths.Email);
    }
}

internal sealed class UserAuthenticatorConfiguration : IEntityTypeConfiguration<UserAuthenticator>
{
    public void Configure(EntityTypeBuilder<UserAuthenticator> authenticator)
    {
        authenticator.HasKey(a => a.UserId);
        authenticator.Property(a => a.ProtectedSecret).HasMaxLength(1000);
        authenticator.HasOne<PortalUser>().WithOne().HasForeignKey<UserAuthenticator>(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RecoveryCodeConfiguration : IEntityTypeConfiguration<RecoveryCode>
{
    public void Configure(EntityTypeBuilder<RecoveryCode> code)
    {
        code.Property(c => c.CodeHash).HasMaxLength(64);
        code.HasIndex(c => new { c.UserId, c.CodeHash }).IsUnique();
        code.HasOne<PortalUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PasswordResetConfiguration : IEntityTypeConfiguration<PasswordReset>
{
    public void Configure(EntityTypeBuilder<PasswordReset> reset)
    {
        reset.Property(r => r.TokenHash).HasMaxLength(64);
        reset.HasIndex(r => r.TokenHash).IsUnique();
        reset.HasIndex(r => r.UserId);
        reset.HasOne<PortalUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
