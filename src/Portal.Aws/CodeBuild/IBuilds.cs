namespace Portal.Aws.CodeBuild;

/// <summary>The CodeBuild calls the portal makes: where a build writes its log.</summary>
public interface IBuilds
{
    /// <summary>BatchGetBuilds for one build id ("project:uuid", as CodePipeline's Build action reports it); null when CodeBuild has no such build.</summary>
    Task<BuildInfo?> GetBuildAsync(string buildId, CancellationToken cancellationToken = default);
}

/// <summary>
/// One build: its status (IN_PROGRESS, SUCCEEDED, FAILED, FAULT, TIMED_OUT, STOPPED) and, when its project sends logs to
/// CloudWatch Logs, the group and stream they are in (logs.cloudWatchLogs; null when DISABLED).
/// </summary>
public sealed record BuildInfo(string Id, string Status, string? CurrentPhase, string? LogGroupName, string? LogStreamName);
