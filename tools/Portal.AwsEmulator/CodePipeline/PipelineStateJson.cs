using System.Text.Json.Nodes;
using static Portal.AwsEmulator.Protocol.JsonInput;

namespace Portal.AwsEmulator.CodePipeline;

/// <summary>CodePipeline's response shapes: pipeline state, execution, execution summary.</summary>
public static class PipelineStateJson
{
    public static JsonObject State((PipelineRecord Pipeline, Dictionary<string, PipelineExecutionRecord> Latest, Dictionary<string, List<PipelineExecutionRecord>> Waiting) state)
    {
        var (pipeline, latest, waiting) = state;
        return new JsonObject
        {
            ["pipelineName"] = pipeline.Name,
            ["pipelineVersion"] = pipeline.Version,
            ["stageStates"] = new JsonArray(pipeline.Stages.Select(stage => (JsonNode?)StageState(stage, latest.GetValueOrDefault(stage.Name), waiting[stage.Name])).ToArray()),
            ["created"] = Time(pipeline.Created),
            ["updated"] = Time(pipeline.Updated),
        };
    }

    private static JsonObject StageState(StageDeclaration stage, PipelineExecutionRecord? latest, List<PipelineExecutionRecord> waiting)
    {
        var record = latest is not null && latest.Stages.TryGetValue(stage.Name, out var stageRecord) ? stageRecord : null;
        var result = new JsonObject
        {
            ["stageName"] = stage.Name,
            ["inboundTransitionState"] = new JsonObject { ["enabled"] = true },
            ["actionStates"] = new JsonArray(stage.Actions.Select(action => (JsonNode?)ActionState(action, record?.Actions.GetValueOrDefault(action.Name))).ToArray()),
        };
        if (latest is not null && record is not null)
            result["latestExecution"] = new JsonObject { ["pipelineExecutionId"] = latest.Id, ["status"] = record.Status };
        if (waiting.Count > 0)
        {
            result["inboundExecution"] = InboundExecution(waiting[0]);
            result["inboundExecutions"] = new JsonArray(waiting.Select(e => (JsonNode?)InboundExecution(e)).ToArray());
        }
        return result;
    }

    private static JsonObject InboundExecution(PipelineExecutionRecord execution) =>
        new() { ["pipelineExecutionId"] = execution.Id, ["status"] = execution.Status };

    private static JsonObject ActionState(ActionDeclaration action, ActionExecutionRecord? record)
    {
        var result = new JsonObject { ["actionName"] = action.Name };
        if (record is null) return result;
        var latest = new JsonObject
        {
            ["actionExecutionId"] = record.ActionExecutionId,
            ["status"] = record.Status,
            ["lastStatusChange"] = Time(record.LastStatusChange),
        };
        if (record.Summary is not null) latest["summary"] = record.Summary;
        if (record.Token is not null && record.Status == ExecutionStatuses.InProgress) latest["token"] = record.Token;
        if (record.LastUpdatedBy is not null) latest["lastUpdatedBy"] = record.LastUpdatedBy;
        if (record.ExternalExecutionId is not null) latest["externalExecutionId"] = record.ExternalExecutionId;
        if (record.ExternalExecutionUrl is not null) latest["externalExecutionUrl"] = record.ExternalExecutionUrl;
        if (record.ErrorCode is not null)
            latest["errorDetails"] = new JsonObject { ["code"] = record.ErrorCode, ["message"] = record.ErrorMessage };
        result["latestExecution"] = latest;
        return result;
    }

    public static JsonObject Execution(PipelineExecutionRecord execution)
    {
        var result = new JsonObject
        {
            ["pipelineName"] = execution.PipelineName,
            ["pipelineVersion"] = execution.PipelineVersion,
            ["pipelineExecutionId"] = execution.Id,
            ["status"] = execution.Status,
            ["artifactRevisions"] = new JsonArray(execution.ArtifactRevisions.Select(r => (JsonNode?)ArtifactRevision(r)).ToArray()),
            ["variables"] = new JsonArray(execution.Variables.Select(v => (JsonNode?)new JsonObject { ["name"] = v.Key, ["resolvedValue"] = v.Value }).ToArray()),
            ["trigger"] = Trigger(execution),
            ["executionMode"] = execution.ExecutionMode,
            ["executionType"] = "STANDARD",
        };
        if (execution.StatusSummary is not null) result["statusSummary"] = execution.StatusSummary;
        return result;
    }

    public static JsonObject Summary(PipelineExecutionRecord execution)
    {
        var result = new JsonObject
        {
            ["pipelineExecutionId"] = execution.Id,
            ["status"] = execution.Status,
            ["startTime"] = Time(execution.StartTime),
            ["lastUpdateTime"] = Time(execution.LastUpdateTime),
            ["sourceRevisions"] = new JsonArray(execution.ArtifactRevisions.Select(r => (JsonNode?)SourceRevision(r)).ToArray()),
            ["trigger"] = Trigger(execution),
            ["executionMode"] = execution.ExecutionMode,
            ["executionType"] = "STANDARD",
        };
        if (execution.StatusSummary is not null) result["statusSummary"] = execution.StatusSummary;
        if (execution.StopReason is not null) result["stopTrigger"] = new JsonObject { ["reason"] = execution.StopReason };
        return result;
    }

    private static JsonObject ArtifactRevision(ArtifactRevisionRecord revision)
    {
        var result = new JsonObject { ["name"] = revision.Name, ["revisionId"] = revision.RevisionId, ["created"] = Time(revision.Created) };
        if (revision.RevisionSummary is not null) result["revisionSummary"] = revision.RevisionSummary;
        if (revision.RevisionUrl is not null) result["revisionUrl"] = revision.RevisionUrl;
        return result;
    }

    private static JsonObject SourceRevision(ArtifactRevisionRecord revision)
    {
        var result = new JsonObject { ["actionName"] = revision.ActionName, ["revisionId"] = revision.RevisionId };
        if (revision.RevisionSummary is not null) result["revisionSummary"] = revision.RevisionSummary;
        if (revision.RevisionUrl is not null) result["revisionUrl"] = revision.RevisionUrl;
        return result;
    }

    /// <summary>ListActionExecutions' ActionExecutionDetail: the action's input (type, configuration, artifacts) and output (artifacts, result, variables).</summary>
    public static JsonObject ActionExecution(PipelineExecutionRecord execution, string stage, ActionDeclaration? declaration, string actionName,
        ActionExecutionRecord record, string region)
    {
        var input = new JsonObject
        {
            ["region"] = region,
            ["inputArtifacts"] = Artifacts(record.InputArtifacts),
        };
        if (declaration is not null)
        {
            input["actionTypeId"] = new JsonObject
            {
                ["category"] = declaration.Category,
                ["owner"] = declaration.Owner,
                ["provider"] = declaration.Provider,
                ["version"] = declaration.Version,
            };
            input["configuration"] = new JsonObject(declaration.Configuration.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)));
            input["resolvedConfiguration"] = new JsonObject(declaration.Configuration.Select(c => KeyValuePair.Create(c.Key,
                (JsonNode?)execution.Variables.Aggregate(c.Value, (text, v) => text.Replace($"#{{variables.{v.Key}}}", v.Value, StringComparison.Ordinal)))));
            if (declaration.Namespace is not null) input["namespace"] = declaration.Namespace;
        }
        var result = new JsonObject();
        if (record.ExternalExecutionId is not null) result["externalExecutionId"] = record.ExternalExecutionId;
        if ((record.ExternalExecutionSummary ?? record.Summary) is { } summary) result["externalExecutionSummary"] = summary;
        if (record.ExternalExecutionUrl is not null) result["externalExecutionUrl"] = record.ExternalExecutionUrl;
        if (record.ErrorCode is not null) result["errorDetails"] = new JsonObject { ["code"] = record.ErrorCode, ["message"] = record.ErrorMessage };
        var detail = new JsonObject
        {
            ["pipelineExecutionId"] = execution.Id,
            ["actionExecutionId"] = record.ActionExecutionId,
            ["pipelineVersion"] = execution.PipelineVersion,
            ["stageName"] = stage,
            ["actionName"] = actionName,
            ["startTime"] = Time(record.StartTime),
            ["lastUpdateTime"] = Time(record.LastStatusChange),
            ["status"] = record.Status,
            ["input"] = input,
            ["output"] = new JsonObject
            {
                ["outputArtifacts"] = Artifacts(record.OutputArtifacts),
                ["executionResult"] = result,
                ["outputVariables"] = new JsonObject(record.OutputVariables.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
            },
        };
        if (record.LastUpdatedBy is not null) detail["updatedBy"] = record.LastUpdatedBy;
        return detail;
    }

    private static JsonArray Artifacts(Dictionary<string, ArtifactLocation> artifacts) => new(artifacts.Select(a => (JsonNode?)new JsonObject
    {
        ["name"] = a.Key,
        ["s3location"] = new JsonObject { ["bucket"] = a.Value.Bucket, ["key"] = a.Value.Key },
    }).ToArray());

    private static JsonObject Trigger(PipelineExecutionRecord execution) =>
        new() { ["triggerType"] = execution.TriggerType, ["triggerDetail"] = execution.TriggerDetail };
}
