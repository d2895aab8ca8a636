using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configuration;

internal sealed class HostConfiguration : IEntityTypeConfiguration<Host>
{
    public void Configure(EntityTypeBuilder<Host> host)
    {
        host.Property(h => h.Name).HasMaxLength(ColumnLengths.HostName);
        host.Property(h => h.Plan).HasMaxLength(ColumnLengths.Plan);
        host.Property(h => h.HealthCheckPath).HasMaxLength(ColumnLengths.HealthCheckPath);
        host.Property(h => h.StateReason).HasMaxLength(ColumnLengths.Reason);
        host.Property(h => h.WebhookTokenHash).HasMaxLength(64);
        // A delivery whose token fits no host of its project is looked up by token: a group webhook's pushes of other projects.
        host.HasIndex(h => h.WebhookTokenHash);
        host.Property(h => h.Version).IsRowVersion();
        // A decommissioned host keeps its name for the record but frees it (HostNames).
        host.HasIndex(h => new { h.CustomerId, h.Name }).IsUnique().HasFilter("\"State\" <> 'Decommissioned'").HasDatabaseName(HostNames.UniqueIndex);
        host.Property(h => h.ResourceKey).HasMaxLength(Host.ResourceKeyLength);
        host.HasIndex(h => h.ResourceKey).IsUnique();
        host.HasIndex(h => h.State);
        host.HasOne(h => h.Customer).WithMany(c => c.Hosts).HasForeignKey(h => h.CustomerId).OnDelete(DeleteBehavior.Restrict);

        host.OwnsOne(h => h.GitLab, gitlab =>
        {
            gitlab.Property(g => g.ProjectId).HasColumnName("GitLabProjectId");
            gitlab.Property(g => g.PathWithNamespace).HasColumnName("GitLabProjectPath").HasMaxLength(ColumnLengths.GitLabProjectPath);
            gitlab.Property(g => g.HttpUrl).HasColumnName("GitLabHttpUrl").HasMaxLength(ColumnLengths.GitLabProjectUrl);
            gitlab.Property(g => g.DefaultBranch).HasColumnName("GitLabDefaultBranch").HasMaxLength(ColumnLengths.Branch);
            gitlab.Property(g => g.TokenSecretArn).HasColumnName("GitLabTokenSecretArn").HasMaxLength(ColumnLengths.Arn);
            gitlab.Property(g => g.Automates).HasColumnName("GitLabAutomates");
            gitlab.Property(g => g.ManualReason).HasColumnName("GitLabManualReason").HasMaxLength(ColumnLengths.Reason);
            gitlab.Property(g => g.InfrastructureFolder).HasColumnName("GitLabInfrastructureFolder").HasMaxLength(ColumnLengths.RepositoryPath)
                .HasDefaultValue(GitLabProject.DefaultInfrastructureFolder);
            gitlab.Property(g => g.HookId).HasColumnName("GitLabHookId");
            gitlab.Property(g => g.HookDue).HasColumnName("GitLabHookDue");
            gitlab.Property(g => g.HookNextAttemptAt).HasColumnName("GitLabHookNextAttemptAt");
            gitlab.Property(g => g.HookStatus).HasColumnName("GitLabHookStatus").HasMaxLength(ColumnLengths.Reason);
            // The hook sync's queue: hosts whose GitLab hook must be made to match.
            gitlab.HasIndex(g => g.HookNextAttemptAt).HasFilter("\"GitLabHookDue\"").HasDatabaseName("IX_Hosts_GitLabHookDue");
            // A project releases to one live host: Provisioning's HostClaims checks its id and its path (in any case of letters),
            // and this index decides a race by the id, which every order learns from GitLab. Pushes are routed by both columns.
            gitlab.HasIndex(g => g.PathWithNamespace);
            gitlab.HasIndex(g => g.ProjectId).IsUnique().HasFilter("\"GitLabProjectId\" IS NOT NULL AND \"State\" <> 'Decommissioned'")
                .HasDatabaseName("IX_Hosts_GitLabProjectId_Live");
        });
        host.OwnsOne(h => h.Database, database =>
        {
            database.Property(d => d.Engine).HasColumnName("DatabaseEngine").HasMaxLength(20);
            database.Property(d => d.InstanceClass).HasColumnName("DatabaseInstanceClass").HasMaxLength(40);
            database.Property(d => d.AllocatedStorageGb).HasColumnName("DatabaseStorageGb");
            database.Property(d => d.MultiAz).HasColumnName("DatabaseMultiAz");
        });
        host.OwnsOne(h => h.Domain, domain =>
        {
            domain.Property(d => d.CustomDomain).HasColumnName("CustomDomain").HasMaxLength(ColumnLengths.CustomDomain);
            domain.Property(d => d.CertificateArn).HasColumnName("CertificateArn").HasMaxLength(ColumnLengths.CertificateArn);
            // A domain is served by one live host.
            domain.HasIndex(d => d.CustomDomain).IsUnique().HasFilter("\"CustomDomain\" IS NOT NULL AND \"State\" <> 'Decommissioned'")
                .HasDatabaseName("IX_Hosts_CustomDomain_Live");
        });
        host.Navigation(h => h.GitLab).IsRequired();
        host.Navigation(h => h.Database).IsRequired();
        host.Navigation(h => h.Domain).IsRequired();
    }
}

internal sealed class HostEnvironmentConfiguration : IEntityTypeConfiguration<HostEnvironment>
{
    public void Configure(EntityTypeBuilder<HostEnvironment> environment)
    {
        environment.Property(e => e.Branch).HasMaxLength(ColumnLengths.Branch);
        environment.Property(e => e.StateReason).HasMaxLength(ColumnLengths.Reason);
        environment.Property(e => e.ResourceName).HasMaxLength(63);
        // No two environments may ever name the same AWS resources.
        environment.HasIndex(e => e.ResourceName).IsUnique().HasFilter("\"ResourceName\" IS NOT NULL");
        environment.HasIndex(e => e.InfrastructureStackName).IsUnique().HasFilter("\"InfrastructureStackName\" IS NOT NULL");
        environment.HasIndex(e => e.SoftwareStackName).IsUnique().HasFilter("\"SoftwareStackName\" IS NOT NULL");
        environment.HasIndex(e => e.PipelineName).IsUnique().HasFilter("\"PipelineName\" IS NOT NULL");
        environment.Property(e => e.InfrastructureStackName).HasMaxLength(128);
        environment.Property(e => e.SoftwareStackName).HasMaxLength(128);
        environment.Property(e => e.InfrastructureStackId).HasMaxLength(512);
        environment.Property(e => e.SoftwareStackId).HasMaxLength(512);
        environment.Property(e => e.PipelineName).HasMaxLength(100);
        environment.Property(e => e.Outputs).HasColumnType("jsonb").HasConversion(JsonDictionary.Converter, JsonDictionary.Comparer);
        environment.Property(e => e.Version).IsRowVersion();
        environment.HasIndex(e => new { e.HostId, e.Kind }).IsUnique();
        environment.Property(e => e.InfrastructureTemplateHash).HasMaxLength(64);
        environment.Property(e => e.SoftwareTemplateHash).HasMaxLength(64);
        environment.Property(e => e.AmiId).HasMaxLength(ColumnLengths.AmiId);
        environment.Property(e => e.InfrastructureCommitId).HasMaxLength(ColumnLengths.CommitId);
        environment.Property(e => e.AmiTemplateHash).HasMaxLength(64);
        environment.Property(e => e.BakeReason).HasMaxLength(ColumnLengths.Reason);
        environment.Property(e => e.BakeCommitId).HasMaxLength(ColumnLengths.CommitId);
        environment.Property(e => e.BakeExecutionId).HasMaxLength(128);
        environment.Property(e => e.BakeStatus).HasMaxLength(ColumnLengths.Reason);
        environment.Property(e => e.ListenerArn).HasMaxLength(512);
        environment.Property(e => e.RecoveryResources).HasColumnType("text[]");
        // The bakes' queue: environments asked to bake, baking, or with an image or a release's parameters to roll out.
        environment.HasIndex(e => e.BakeRequestedAt)
            .HasFilter("\"BakeRequestedAt\" IS NOT NULL OR \"BakeExecutionId\" IS NOT NULL OR \"AmiRolloutDue\" OR \"ReleaseRolloutDue\"")
            .HasDatabaseName("IX_HostEnvironments_Bakes");
        environment.HasIndex(e => e.State);
        environment.HasIndex(e => e.NextCheckAt).HasFilter("\"NextCheckAt\" IS NOT NULL");
        environment.HasOne(e => e.Host).WithMany(h => h.Environments).HasForeignKey(e => e.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ListenerPriorityAllocationConfiguration : IEntityTypeConfiguration<ListenerPriorityAllocation>
{
    public void Configure(EntityTypeBuilder<ListenerPriorityAllocation> allocation)
    {
        allocation.Property(a => a.ListenerArn).HasMaxLength(512);
        allocation.HasIndex(a => new { a.ListenerArn, a.Priority }).IsUnique();
        allocation.HasIndex(a => a.HostEnvironmentId).IsUnique();
        allocation.HasOne(a => a.HostEnvironment).WithMany().HasForeignKey(a => a.HostEnvironmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class StackEventConfiguration : IEntityTypeConfiguration<StackEvent>
{
    public void Configure(EntityTypeBuilder<StackEvent> stackEvent)
    {
        stackEvent.Property(e => e.EventId).HasMaxLength(256);
        stackEvent.Property(e => e.StackName).HasMaxLength(128);
        stackEvent.Property(e => e.LogicalResourceId).HasMaxLength(256);
        stackEvent.Property(e => e.ResourceType).HasMaxLength(256);
        stackEvent.Property(e => e.ResourceStatus).HasMaxLength(64);
        stackEvent.Property(e => e.ResourceStatusReason).HasMaxLength(4000);
        stackEvent.HasIndex(e => e.EventId).IsUnique();
        stackEvent.HasIndex(e => new { e.HostEnvironmentId, e.Timestamp });
        stackEvent.HasOne(e => e.HostEnvironment).WithMany(h => h.StackEvents).HasForeignKey(e => e.HostEnvironmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class HostChangeConfiguration : IEntityTypeConfiguration<HostChange>
{
    public void Configure(EntityTypeBuilder<HostChange> change)
    {
        change.Property(c => c.StateReason).HasMaxLength(ColumnLengths.Reason);
        change.Property(c => c.ProposedOrder).HasColumnType("jsonb");
        change.Property(c => c.FieldChanges).HasColumnType("jsonb").HasConversion(JsonList<FieldChange>.Converter, JsonList<FieldChange>.Comparer);
        change.Property(c => c.RequestedBy).HasMaxLength(256);
        change.Property(c => c.Version).IsRowVersion();
        change.HasIndex(c => new { c.HostId, c.RequestedAt });
        change.HasIndex(c => c.NextCheckAt).HasFilter("\"NextCheckAt\" IS NOT NULL");
        change.HasOne(c => c.Host).WithMany().HasForeignKey(c => c.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class HostChangeStackConfiguration : IEntityTypeConfiguration<HostChangeStack>
{
    public void Configure(EntityTypeBuilder<HostChangeStack> stack)
    {
        stack.Property(s => s.Layer).HasMaxLength(20);
        stack.Property(s => s.StackName).HasMaxLength(128);
        stack.Property(s => s.ChangeSetName).HasMaxLength(128);
        stack.Property(s => s.ChangeSetId).HasMaxLength(512);
        stack.Property(s => s.TemplateHash).HasMaxLength(64);
        stack.Property(s => s.StatusReason).HasMaxLength(ColumnLengths.Reason);
        stack.Property(s => s.Changes).HasColumnType("jsonb").HasConversion(JsonList<ResourceChangeRecord>.Converter, JsonList<ResourceChangeRecord>.Comparer);
        stack.HasIndex(s => new { s.HostChangeId, s.Environment, s.Layer }).IsUnique();
        stack.HasOne(s => s.HostChange).WithMany(c => c.Stacks).HasForeignKey(s => s.HostChangeId).OnDelete(DeleteBehavior.Cascade);
    }
}
