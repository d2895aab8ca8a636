namespace Portal.Data.Entities;

/// <summary>One pipeline execution of a host environment, started by a push.</summary>
public class Release
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid HostEnvironmentId { get; set; }
    public HostEnvironment HostEnvironment { get; set; } = null!;
    public Guid? PushDeliveryId { get; set; }
    public PushDelivery? PushDelivery { get; set; }

    public required string CommitId { get; set; }
    public required string Branch { get; set; }
    public string? AuthorUsername { get; set; }
    public string? AuthorEmail { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset PushedAt { get; set; }

    /// <summary>Sent as StartPipelineExecution's clientRequestToken so a retry cannot start a second execution.</summary>
    public required string ClientRequestToken { get; set; }
    public string? PipelineExecutionId { get; set; }

    /// <summary>StartPipelineExecution calls made for this release so far (AWS errors are retried with backoff).</summary>
    public int StartAttempts { get; set; }

    /// <summary>While Pending: when the next StartPipelineExecution may be tried; null means now.</summary>
    public DateTimeOffset? NextStartAttemptAt { get; set; }

    public ReleaseState State { get; set; } = ReleaseState.Pending;
    public string? StateReason { get; set; }

    /// <summary>The manual approval the execution waits at, if any. The token is never shown to customers.</summary>
    public string? PendingApprovalStage { get; set; }
    public string? PendingApprovalAction { get; set; }
    public string? PendingApprovalToken { get; set; }
    public DateTimeOffset? WaitingSince { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public uint Version { get; set; }

    public List<ReleaseStage> Stages { get; set; } = [];
    public List<ApprovalDecision> Decisions { get; set; } = [];
}

public enum ReleaseState { Pending, InProgress, WaitingForApproval, Succeeded, Failed, Stopped, Superseded }

public class ReleaseStage
{
    public long Id { get; set; }
    public Guid ReleaseId { get; set; }
    public Release Release { get; set; } = null!;
    public required string Name { get; set; }
    public int Order { get; set; }
    public required string Status { get; set; }
    public string? Summary { get; set; }
    public DateTimeOffset? LastChangedAt { get; set; }
}
