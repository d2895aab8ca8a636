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
            ["artifactRevisions"] = new JsonArray(),
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
            ["sourceRevisions"] = new JsonArray(),
            ["trigger"] = Trigger(execution),
            ["executionMode"] = execution.ExecutionMode,
            ["executionType"] = "STANDARD",
        };
        if (execution.StatusSummary is not null) result["statusSummary"] = execution.StatusSummary;
        if (execution.StopReason is not null) result["stopTrigger"] = new JsonObject { ["reason"] = execution.StopReason };
        return result;
    }

    private static JsonObject Trigger(PipelineExecutionRecord execution) =>
        new() { ["triggerType"] = execution.TriggerType, ["triggerDetail"] = execution.TriggerDetail };
}
