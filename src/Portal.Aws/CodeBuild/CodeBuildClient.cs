using System.Text.Json.Nodes;
using Portal.Aws.Protocol;

namespace Portal.Aws.CodeBuild;

/// <summary>CodeBuild over JSON 1.1 (target prefix CodeBuild_20161006), member names as in AWS's API reference.</summary>
public sealed class CodeBuildClient(AwsRequestSender sender) : IBuilds
{
    public const string TargetPrefix = "CodeBuild_20161006";
    private readonly JsonProtocol json = new(AwsService.CodeBuild, TargetPrefix, sender);

    public async Task<BuildInfo?> GetBuildAsync(string buildId, CancellationToken cancellationToken = default)
    {
        var r = await json.InvokeAsync("BatchGetBuilds", new JsonObject { ["ids"] = new JsonArray(JsonValue.Create(buildId)) }, cancellationToken);
        foreach (var build in r.Items("builds"))
        {
            var logs = build.Member("logs")?.Member("cloudWatchLogs");
            var enabled = logs?.Str("status") == "ENABLED";
            return new BuildInfo(build.Required("id"), build.Str("buildStatus") ?? "IN_PROGRESS", build.Str("currentPhase"),
                enabled ? build.Member("logs")?.Str("groupName") ?? logs?.Str("groupName") : null,
                enabled ? build.Member("logs")?.Str("streamName") ?? logs?.Str("streamName") : null);
        }
        return null;
    }
}
