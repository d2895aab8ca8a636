namespace Portal.AwsEmulator.CodeBuild;

public sealed class ProjectRecord
{
    public string Name { get; set; } = "";
    public string Arn { get; set; } = "";

    /// <summary>The inline buildspec; null: buildspec.yml from the source.</summary>
    public string? BuildSpec { get; set; }
    public List<BuildVariable> EnvironmentVariables { get; set; } = [];
    public string Image { get; set; } = "";
    public string ComputeType { get; set; } = "";
    public string? ServiceRole { get; set; }

    /// <summary>LogsConfig.CloudWatchLogs: ENABLED (the default) or DISABLED, and the group and stream prefix it names.</summary>
    public bool CloudWatchLogs { get; set; } = true;
    public string? LogGroupName { get; set; }
    public string? LogStreamPrefix { get; set; }
    public long BuildCounter { get; set; }
}

public sealed record BuildVariable(string Name, string Value, string Type = "PLAINTEXT");

public sealed class BuildRecord
{
    /// <summary>"project:uuid", as CodeBuild names builds.</summary>
    public string Id { get; set; } = "";
    public string Arn { get; set; } = "";
    public long BuildNumber { get; set; }
    public string ProjectName { get; set; } = "";
    public string Initiator { get; set; } = "";
    public DateTimeOffset StartTime { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public string CurrentPhase { get; set; } = "SUBMITTED";
    public string BuildStatus { get; set; } = BuildStatuses.InProgress;
    public List<BuildPhaseRecord> Phases { get; set; } = [];
    public List<BuildVariable> EnvironmentVariables { get; set; } = [];
    public string? LogGroupName { get; set; }
    public string? LogStreamName { get; set; }
    public string? SourceLocation { get; set; }
    public string? ArtifactLocation { get; set; }
    public string? ResolvedSourceVersion { get; set; }
    public string Image { get; set; } = "";
    public string ComputeType { get; set; } = "";
    public string? ServiceRole { get; set; }
}

public sealed record BuildPhaseRecord(string PhaseType, string? PhaseStatus, DateTimeOffset StartTime, DateTimeOffset? EndTime, string? ContextCode = null,
    string? ContextMessage = null);

public static class BuildStatuses
{
    public const string InProgress = "IN_PROGRESS";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
}

public sealed class BuildData
{
    public List<ProjectRecord> Projects { get; set; } = [];
    public List<BuildRecord> Builds { get; set; } = [];
}
