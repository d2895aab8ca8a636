using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configuration;

internal sealed class HostConfiguration : IEntityTypeConfiguration<Host>
{
    public void Configure(EntityTypeBuilder<Host> host)
    {
        host.Property(h => h.Name).HasMaxLength(40);
        host.Property(h => h.Plan).HasMaxLength(40);
        host.Property(h => h.HealthCheckPath).HasMaxLength(200);
        host.Property(h => h.StateReason).HasMaxLength(2000);
        host.Property(h => h.WebhookTokenHash).HasMaxLength(64);
        host.Property(h => h.Version).IsRowVersion();
        host.HasIndex(h => new { h.CustomerId, h.Name }).IsUnique();
        host.HasIndex(h => h.State);
        host.HasOne(h => h.Customer).WithMany(c => c.Hosts).HasForeignKey(h => h.CustomerId).OnDelete(DeleteBehavior.Restrict);

        host.OwnsOne(h => h.GitLab, gitlab =>
        {
            gitlab.Property(g => g.ProjectId).HasColumnName("GitLabProjectId");
            gitlab.Property(g => g.PathWithNamespace).HasColumnName("GitLabProjectPath").HasMaxLength(255);
            gitlab.Property(g => g.HttpUrl).HasColumnName("GitLabHttpUrl").HasMaxLength(500);
            gitlab.HasIndex(g => g.ProjectId);
            gitlab.HasIndex(g => g.PathWithNamespace);
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
            domain.Property(d => d.CustomDomain).HasColumnName("CustomDomain").HasMaxLength(253);
            domain.Property(d => d.CertificateArn).HasColumnName("CertificateArn").HasMaxLength(2048);
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
        environment.Property(e => e.Branch).HasMaxLength(255);
        environment.Property(e => e.StateReason).HasMaxLength(2000);
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
        change.Property(c => c.StateReason).HasMaxLength(2000);
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
        stack.Property(s => s.StatusReason).HasMaxLength(2000);
        stack.Property(s => s.Changes).HasColumnType("jsonb").HasConversion(JsonList<ResourceChangeRecord>.Converter, JsonList<ResourceChangeRecord>.Comparer);
        stack.HasIndex(s => new { s.HostChangeId, s.Environment, s.Layer }).IsUnique();
        stack.HasOne(s => s.HostChange).WithMany(c => c.Stacks).HasForeignKey(s => s.HostChangeId).OnDelete(DeleteBehavior.Cascade);
    }
}
