using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configuration;

internal sealed class PushDeliveryConfiguration : IEntityTypeConfiguration<PushDelivery>
{
    public void Configure(EntityTypeBuilder<PushDelivery> delivery)
    {
        delivery.Property(d => d.DeliveryId).HasMaxLength(128);
        delivery.Property(d => d.Event).HasMaxLength(64).HasDefaultValue("Push Hook");
        delivery.Property(d => d.Ref).HasMaxLength(300);
        delivery.Property(d => d.Before).HasMaxLength(64);
        delivery.Property(d => d.After).HasMaxLength(64);
        delivery.Property(d => d.CommitAuthors).HasColumnType("jsonb")
            .HasConversion(JsonList<CommitAuthor>.Converter, JsonList<CommitAuthor>.Comparer);
        delivery.Property(d => d.UserUsername).HasMaxLength(255);
        delivery.Property(d => d.UserEmail).HasMaxLength(ColumnLengths.Email);
        delivery.Property(d => d.StatusReason).HasMaxLength(ColumnLengths.Reason);
        delivery.HasIndex(d => new { d.HostId, d.DeliveryId }).IsUnique();
        // The queue of accepted pushes, oldest first; a delivery leaves it when its release is made.
        delivery.HasIndex(d => d.ReceivedAt).HasFilter("\"Status\" = 'Accepted'").HasDatabaseName("IX_PushDeliveries_Accepted");
        // Pushes kept while their environment is provisioning or updating, released when it is Active.
        delivery.HasIndex(d => d.ReceivedAt, "IX_PushDeliveries_Held").HasFilter("\"Status\" = 'Held'");
        // What a push is compared with before its release is made (an older commit never starts after a newer one); off
        // the webhook's insert path, since a delivery is recorded Accepted and becomes Queued when its release is made.
        delivery.HasIndex(d => new { d.HostId, d.Environment, d.CommittedAt }, "IX_PushDeliveries_ReleasedByTime")
            .HasFilter("\"Status\" IN ('Queued', 'Started')");
        delivery.HasIndex(d => new { d.HostId, d.Before }, "IX_PushDeliveries_ReleasedByBefore")
            .HasFilter("\"Status\" IN ('Queued', 'Started')");
        // The host's delivery log, newest first.
        delivery.HasIndex(d => new { d.HostId, d.ReceivedAt }, "IX_PushDeliveries_HostLog");
        delivery.HasOne(d => d.Host).WithMany().HasForeignKey(d => d.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReleaseConfiguration : IEntityTypeConfiguration<Release>
{
    public void Configure(EntityTypeBuilder<Release> release)
    {
        release.Property(r => r.CommitId).HasMaxLength(64);
        release.Property(r => r.Branch).HasMaxLength(ColumnLengths.Branch);
        release.Property(r => r.AuthorUsername).HasMaxLength(255);
        release.Property(r => r.AuthorEmail).HasMaxLength(ColumnLengths.Email);
        release.Property(r => r.ClientRequestToken).HasMaxLength(128);
        release.Property(r => r.PipelineExecutionId).HasMaxLength(128);
        release.Property(r => r.StateReason).HasMaxLength(ColumnLengths.Reason);
        release.Property(r => r.PendingApprovalStage).HasMaxLength(100);
        release.Property(r => r.PendingApprovalAction).HasMaxLength(100);
        release.Property(r => r.PendingApprovalToken).HasMaxLength(128);
        release.Property(r => r.SourceKey).HasMaxLength(ColumnLengths.ObjectKey);
        release.Property(r => r.SourceVersionId).HasMaxLength(1024);
        release.Property(r => r.ReportedStatus).HasMaxLength(32);
        // Releases GitLab has not been told about yet (commit statuses).
        release.HasIndex(r => r.UpdatedAt).HasFilter("\"StatusReportDue\"").HasDatabaseName("IX_Releases_StatusReportDue");
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
        stage.Property(s => s.Summary).HasMaxLength(ColumnLengths.Reason);
        stage.HasIndex(s => new { s.ReleaseId, s.Name }).IsUnique();
        stage.HasOne(s => s.Release).WithMany(r => r.Stages).HasForeignKey(s => s.ReleaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApprovalDecisionConfiguration : IEntityTypeConfiguration<ApprovalDecision>
{
    public void Configure(EntityTypeBuilder<ApprovalDecision> decision)
    {
        decision.Property(d => d.Comment).HasMaxLength(ColumnLengths.Comment);
        decision.Property(d => d.ApprovalTokenHash).HasMaxLength(64);
        // One decision per operator per approval: the two-person rule rests on this.
        decision.HasIndex(d => new { d.ReleaseId, d.ApprovalTokenHash, d.OperatorId }).IsUnique();
        decision.HasOne(d => d.Release).WithMany(r => r.Decisions).HasForeignKey(d => d.ReleaseId).OnDelete(DeleteBehavior.Cascade);
        decision.HasOne(d => d.Operator).WithMany().HasForeignKey(d => d.OperatorId).OnDelete(DeleteBehavior.Restrict);
    }
}
