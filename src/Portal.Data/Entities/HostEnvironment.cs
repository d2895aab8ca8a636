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

    /// <summary>Priority of this environment's rule on the shared listener; allocated once and kept on update.</summary>
    public int? ListenerPriority { get; set; }

    /// <summary>Stack outputs (site URL, database endpoint, secret ARN, pipeline name...). Never a password.</summary>
    public Dictionary<string, string> Outputs { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public uint Version { get; set; }

    public List<Release> Releases { get; set; } = [];
    public List<StackEvent> StackEvents { get; set; } = [];
}

public enum EnvironmentKind { Dev, Staging, Production }

public enum EnvironmentState { Pending, Provisioning, Active, Updating, Failed, Decommissioning, Decommissioned }
