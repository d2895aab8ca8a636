namespace Portal.Data.Entities;

/// <summary>One environment (dev, staging or production) of a host: its stacks, outputs, branch and listener priority.</summary>
public class HostEnvironment
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid HostId { get; set; }
    public Host Host { get; set; } = null!;

    public EnvironmentKind Kind { get; set; }

    /// <summary>The git branch whose pushes release into this environment.</summary>
    public required string Branch { get; set; }

    public EnvironmentState State { get; set; } = EnvironmentState.Pending;
    public string? StateReason { get; set; }

    public string? InfrastructureStackName { get; set; }
    public string? InfrastructureStackId { get; set; }
    public string? SoftwareStackName { get; set; }
    public string? SoftwareStackId { get; set; }
    public string? PipelineName { get; set; }

    /// <summary>
    /// Whether releases wait at a manual approval before Deploy. Production always does (the template decides that);
    /// an operator may ask it of dev or staging too. One operator approves a non-production release.
    /// </summary>
    public bool RequiresApproval { get; set; }

    /// <summary>Priority of this environment's rule on the shared listener; allocated once and kept on update.</summary>
    public int? ListenerPriority { get; set; }

    /// <summary>Stack outputs (site URL, database endpoint, secret ARN, pipeline name...). Never a password.</summary>
    public Dictionary<string, string> Outputs { get; set; } = [];

    /// <summary>The operation in flight, or the one that failed (so a retry knows what to resume); None when settled.</summary>
    public EnvironmentOperation Operation { get; set; }

    /// <summary>Identifies one attempt of <see cref="Operation"/>; AWS client request tokens derive from it so a repeated call is a no-op.</summary>
    public Guid? AttemptId { get; set; }
    public DateTimeOffset? OperationStartedAt { get; set; }

    /// <summary>When the job driving the operation means to look at the stacks again; the reconciler resumes overdue ones.</summary>
    public DateTimeOffset? NextCheckAt { get; set; }

    /// <summary>The one scheduled check that may drive this environment; a job carrying another id is stale and stops.</summary>
    public Guid? ScheduledCheckId { get; set; }

    /// <summary>Hashes (template and parameters) of what each stack last completed with; equal hashes mean nothing to update.</summary>
    public string? InfrastructureTemplateHash { get; set; }
    public string? SoftwareTemplateHash { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public uint Version { get; set; }

    public List<Release> Releases { get; set; } = [];
    public List<StackEvent> StackEvents { get; set; } = [];
}

public enum EnvironmentKind { Dev, Staging, Production }

public enum EnvironmentOperation { None, Provision, Update, Decommission }

public enum EnvironmentState { Pending, Provisioning, Active, Updating, Failed, Decommissioning, Decommissioned }
