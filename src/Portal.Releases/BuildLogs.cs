using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Aws;
using Portal.Aws.CloudWatchLogs;
using Portal.Aws.CodeBuild;
using Portal.Aws.CodePipeline;
using Portal.Data;

namespace Portal.Releases;

/// <summary>
/// The end of a release's build log, read from AWS when asked (never stored): the Build stage's action execution names
/// its CodeBuild build (ListActionExecutions' externalExecutionId), BatchGetBuilds names the build's CloudWatch Logs group
/// and stream, GetLogEvents gives the newest lines. Scoped to the customer when one is given.
/// </summary>
public sealed class BuildLogs(IDbContextFactory<PortalDbContext> contexts, IPipelines pipelines, IBuilds builds, ILogs logs,
    ILogger<BuildLogs> logger)
{
    public const int TailLines = 60;
    private const string BuildStage = "Build";

    /// <summary>Null when there is no such release (for this customer).</summary>
    public async Task<BuildLogTail?> TailAsync(Guid? customerId, Guid releaseId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var release = await db.Releases.AsNoTracking()
            .Where(r => r.Id == releaseId && (customerId == null || r.HostEnvironment.Host.CustomerId == customerId))
            .Select(r => new { r.PipelineExecutionId, r.HostEnvironment.PipelineName })
            .SingleOrDefaultAsync(cancellationToken);
        if (release is null) return null;
        if (release is not { PipelineName: { } pipeline, PipelineExecutionId: { } execution })
            return BuildLogTail.None("The build has not started yet: the release is waiting to start its pipeline.");
        try
        {
            var action = (await pipelines.ListActionExecutionsAsync(pipeline, execution, cancellationToken))
                .Where(a => a.StageName == BuildStage && a.ExternalExecutionId is not null)
                .MaxBy(a => a.StartTime);
            if (action is null) return BuildLogTail.None("The build has not started yet.");
            var build = await builds.GetBuildAsync(action.ExternalExecutionId!, cancellationToken);
            if (build is null) return BuildLogTail.None("CodeBuild no longer has this build (builds are kept for a year).");
            if (build is not { LogGroupName: { } group, LogStreamName: { } stream })
                return BuildLogTail.None("The build project does not send its logs to CloudWatch Logs.", build.Status);
            IReadOnlyList<LogEvent> events;
            try
            {
                events = await logs.TailAsync(group, stream, TailLines, cancellationToken);
            }
            catch (AwsNotFoundException)
            {
                events = [];
            }
            return new BuildLogTail(build.Status, events, events.Count == 0 ? "The build has written no log lines yet." : null);
        }
        catch (AwsException e)
        {
            logger.LogInformation("Build log of release {ReleaseId} not read: {Code}: {Message}", releaseId, e.Code, e.AwsMessage);
            return BuildLogTail.None($"The build log could not be read just now ({e.Code}); try again in a moment.");
        }
    }
}

/// <summary>The build's status (CodeBuild's words, null when unknown), its newest log lines oldest first, or why there are none.</summary>
public sealed record BuildLogTail(string? BuildStatus, IReadOnlyList<LogEvent> Lines, string? Note)
{
    public static BuildLogTail None(string note, string? buildStatus = null) => new(buildStatus, [], note);
}
