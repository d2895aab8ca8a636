using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data;

public class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>The data-protection key ring every instance shares (cookies, antiforgery tokens).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Host> Hosts => Set<Host>();
    public DbSet<HostEnvironment> HostEnvironments => Set<HostEnvironment>();
    public DbSet<ListenerPriorityAllocation> ListenerPriorityAllocations => Set<ListenerPriorityAllocation>();
    public DbSet<StackEvent> StackEvents => Set<StackEvent>();
    public DbSet<PushDelivery> PushDeliveries => Set<PushDelivery>();
    public DbSet<Release> Releases => Set<Release>();
    public DbSet<ReleaseStage> ReleaseStages => Set<ReleaseStage>();
    public DbSet<ApprovalDecision> ApprovalDecisions => Set<ApprovalDecision>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<HostChange> HostChanges => Set<HostChange>();
    public DbSet<HostChangeStack> HostChangeStacks => Set<HostChangeStack>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();
    public DbSet<UserAuthenticator> UserAuthenticators => Set<UserAuthenticator>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<PasswordReset> PasswordResets => Set<PasswordReset>();
    public DbSet<GitLabIdentity> GitLabIdentities => Set<GitLabIdentity>();
    public DbSet<ApprovalRuleChange> ApprovalRuleChanges => Set<ApprovalRuleChange>();
    public DbSet<Mail.OutgoingMail> OutgoingMails => Set<Mail.OutgoingMail>();
    public DbSet<Mail.MailPreference> MailPreferences => Set<Mail.MailPreference>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in SQL and safe to reorder.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }
}
