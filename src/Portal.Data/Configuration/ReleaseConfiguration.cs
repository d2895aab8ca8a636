using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configuration;

internal sealed class PushDeliveryConfiguration : IEntityTypeConfiguration<PushDelivery>
{
    public void Configure(EntityTypeBuilder<PushDelivery> delivery)
    {
        delivery.Property(d => d.DeliveryId).HasMaxLength(128);
        delivery.Property(d => d.Ref).HasMaxLength(300);
        delivery.Property(d => d.After).HasMaxLength(64);
        delivery.Property(d => d.UserUsername).HasMaxLength(255);
        delivery.Property(d => d.UserEmail).HasMaxLength(320);
        delivery.Property(d => d.StatusReason).HasMaxLength(2000);
        delivery.HasIndex(d => new { d.HostId, d.DeliveryId }).IsUnique();
        // The queue of accepted pushes, oldest first; a delivery leaves it when its release is made.
        delivery.HasIndex(d => d.ReceivedAt).HasFilter("\"Status\" = 'Accepted'").HasDatabaseName("IX_PushDeliveries_Accepted");
        delivery.HasOne(d => d.Host).WithMany().HasForeignKey(d => d.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReleaseConfiguration : IEntityTypeConfiguration<Release>
{
    public void Configure(EntityTypeBuilder<Release> release)
    {
        release.Property(r => r.CommitId).HasMaxLength(64);
        release.Property(r => r.Branch).HasMaxLength(255);
        release.Property(r => r.AuthorUsername).HasMaxLength(255);
        release.Property(r => r.AuthorEmail).HasMaxLength(320);
        release.Property(r => r.ClientRequestToken).HasMaxLength(128);
        release.Property(r => r.PipelineExecutionId).HasMaxLength(128);
        release.Property(r => r.StateReason).HasMaxLength(2000);
        release.Property(r => r.PendingApprovalStage).HasMaxLength(100);
        release.Property(r => r.PendingApprovalAction).HasMaxLength(100);
        release.Property(r => r.PendingApprovalToken).HasMaxLength(128);
        release.Property(r => r.Version).IsRowVersion();
        release.HasIndex(r => r.ClientRequestToken).IsUnique();
        // Pending releases have no execution yet: leaving them out keeps this index off the webhook's insert path.
        release.HasIndex(r => r.PipelineExecutionId).HasFilter("\"PipelineExecutionId\" IS NOT NULL");
        release.HasIndex(r => new { r.HostEnvironmentId, r.CreatedAt });
        release.HasIndex(r => r.State);
        release.HasOne(r => r.HostEnvironment).WithMany(e => e.Releases).HasForeignKey(r => r.HostEnvironmentId).OnDelete(DeleteBehavior.Cascade);
        release.HasOne(r => r.PushDelivery).WithMany().HasForeignKey(r => r.PushDeliveryId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ReleaseStageConfiguration : IEntityTypeConfiguration<ReleaseStage>
{
    public void Configure(EntityTypeBuilder<ReleaseStage> stage)
    {
        stage.Property(s => s.Name).HasMaxLength(100);
        stage.Property(s => s.Status).HasMaxLength(32);
        stage.Property(s => s.Summary).HasMaxLength(2000);
        stage.HasIndex(s => new { s.ReleaseId, s.Name }).IsUnique();
        stage.HasOne(s => s.Release).WithMany(r => r.Stages).HasForeignKey(s => s.ReleaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApprovalDecisionConfiguration : IEntityTypeConfiguration<ApprovalDecision>
{
    public void Configure(EntityTypeBuilder<ApprovalDecision> decision)
    {
        decision.Property(d => d.Comment).HasMaxLength(2000);
        decision.Property(d => d.ApprovalTokenHash).HasMaxLength(64);
        // One decision per operator per approval: the two-person rule rests on this.
        decision.HasIndex(d => new { d.ReleaseId, d.ApprovalTokenHash, d.OperatorId }).IsUnique();
        decision.HasOne(d => d.Release).WithMany(r => r.Decisions).HasForeignKey(d => d.ReleaseId).OnDelete(DeleteBehavior.Cascade);
        decision.HasOne(d => d.Operator).WithMany().HasForeignKey(d => d.OperatorId).OnDelete(DeleteBehavior.Restrict);
    }
}
