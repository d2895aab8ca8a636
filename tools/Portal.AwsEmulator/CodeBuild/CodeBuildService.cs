using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;
using static Portal.AwsEmulator.Protocol.JsonInput;

namespace Portal.AwsEmulator.CodeBuild;

/// <summary>CodeBuild (JSON 1.1, target prefix CodeBuild_20161006): BatchGetBuilds, how a client finds a build's phases and its log stream.</summary>
public sealed class CodeBuildService(EmulatorState state) : IJsonService
{
    private const int MaxIds = 100;

    public string Name => "codebuild";
    public string TargetPrefix => "CodeBuild_20161006";
    public string ThrottlingCode => "ThrottlingException";

    public bool Supports(string operation) => operation == "BatchGetBuilds";

    public Task<JsonObject> HandleAsync(AwsOperationContext context, CancellationToken cancellationToken)
    {
        if (context.Json["ids"] is not JsonArray list)
            throw new AwsServiceException("InvalidInputException", AwsServiceException.MissingMemberMessage("ids"));
        var ids = list.Select(i => i is JsonValue v && v.TryGetValue<string>(out var id) ? id : "").ToList();
        if (ids.Count is 0 or > MaxIds || ids.Any(i => i.Length == 0))
            throw new AwsServiceException("InvalidInputException",
                $"1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length less than or equal to {MaxIds} and greater than or equal to 1");
        var builds = state.Region(context.Region).Builds.Builds(ids.Distinct());
        return Task.FromResult(new JsonObject
        {
            ["builds"] = new JsonArray(builds.Select(b => (JsonNode?)Build(b, context.Region, context.AccountId)).ToArray()),
            ["buildsNotFound"] = new JsonArray(ids.Distinct().Where(i => builds.All(b => b.Id != i)).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
        });
    }

    private static JsonObject Build(BuildRecord build, string region, string accountId)
    {
        var result = new JsonObject
        {
            ["id"] = build.Id,
            ["arn"] = build.Arn,
            ["buildNumber"] = build.BuildNumber,
            ["startTime"] = Time(build.StartTime),
            ["currentPhase"] = build.CurrentPhase,
            ["buildStatus"] = build.BuildStatus,
            ["projectName"] = build.ProjectName,
            ["phases"] = new JsonArray(build.Phases.Select(p => (JsonNode?)Phase(p)).ToArray()),
            ["source"] = new JsonObject { ["type"] = "CODEPIPELINE", ["location"] = build.SourceLocation },
            ["artifacts"] = new JsonObject { ["location"] = build.ArtifactLocation ?? "" },
            ["environment"] = new JsonObject
            {
                ["type"] = "LINUX_CONTAINER",
                ["image"] = build.Image,
                ["computeType"] = build.ComputeType,
                ["environmentVariables"] = new JsonArray(build.EnvironmentVariables
                    .Select(v => (JsonNode?)new JsonObject { ["name"] = v.Name, ["value"] = v.Value, ["type"] = v.Type }).ToArray()),
            },
            ["serviceRole"] = build.ServiceRole,
            ["logs"] = Logs(build, region, accountId),
            ["timeoutInMinutes"] = 60,
            ["queuedTimeoutInMinutes"] = 480,
            ["buildComplete"] = build.BuildStatus != BuildStatuses.InProgress,
            ["initiator"] = build.Initiator,
        };
        if (build.EndTime is { } end) result["endTime"] = Time(end);
        if (build.ResolvedSourceVersion is not null) result["resolvedSourceVersion"] = build.ResolvedSourceVersion;
        return result;
    }

    private static JsonObject Logs(BuildRecord build, string region, string accountId)
    {
        if (build.LogGroupName is null || build.LogStreamName is null)
            return new JsonObject { ["cloudWatchLogs"] = new JsonObject { ["status"] = "DISABLED" } };
        return new JsonObject
        {
            ["groupName"] = build.LogGroupName,
            ["streamName"] = build.LogStreamName,
            ["deepLink"] = $"https://console.aws.amazon.com/cloudwatch/home?region={region}#logEvent:group={build.LogGroupName};stream={build.LogStreamName}",
            ["cloudWatchLogsArn"] = $"arn:{Arns.Partition(region)}:logs:{region}:{accountId}:log-group:{build.LogGroupName}:log-stream:{build.LogStreamName}",
            ["cloudWatchLogs"] = new JsonObject { ["status"] = "ENABLED", ["groupName"] = build.LogGroupName, ["streamName"] = build.LogStreamName },
        };
    }

    private static JsonObject Phase(BuildPhaseRecord phase)
    {
        var result = new JsonObject { ["phaseType"] = phase.PhaseType, ["startTime"] = Time(phase.StartTime) };
        if (phase.PhaseStatus is not null) result["phaseStatus"] = phase.PhaseStatus;
        if (phase.EndTime is { } end)
        {
            result["endTime"] = Time(end);
            result["durationInSeconds"] = (long)(end - phase.StartTime).TotalSeconds;
        }
        if (phase.PhaseType is not ("SUBMITTED" or "COMPLETED"))
            result["contexts"] = new JsonArray(new JsonObject { ["statusCode"] = phase.ContextCode ?? "", ["message"] = phase.ContextMessage ?? "" });
        return result;
    }
}
