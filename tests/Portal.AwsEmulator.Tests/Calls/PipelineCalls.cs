using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.Tests.Calls;

/// <summary>CodePipeline calls for the tests, and waits for an approval or the end of an execution.</summary>
public sealed class PipelineCalls(AwsClient client)
{
    public Task<JsonObject> CallAsync(string operation, JsonObject body) => client.JsonAsync($"CodePipeline_20150709.{operation}", "codepipeline", body);

    public async Task<string> StartAsync(string pipeline, IReadOnlyDictionary<string, string>? variables = null, string? token = null,
        params (string Action, string Type, string Value)[] sourceRevisions)
    {
        var body = new JsonObject { ["name"] = pipeline };
        if (sourceRevisions.Length > 0)
            body["sourceRevisions"] = new JsonArray(sourceRevisions.Select(r => (JsonNode?)new JsonObject
            {
                ["actionName"] = r.Action,
                ["revisionType"] = r.Type,
                ["revisionValue"] = r.Value,
            }).ToArray());
        if (variables is not null)
            body["variables"] = new JsonArray(variables.Select(v => (JsonNode?)new JsonObject { ["name"] = v.Key, ["value"] = v.Value }).ToArray());
        if (token is not null) body["clientRequestToken"] = token;
        return (await CallAsync("StartPipelineExecution", body))["pipelineExecutionId"]!.GetValue<string>();
    }

    public async Task<JsonObject> ExecutionAsync(string pipeline, string executionId) =>
        (JsonObject)(await CallAsync("GetPipelineExecution", new JsonObject { ["pipelineName"] = pipeline, ["pipelineExecutionId"] = executionId }))["pipelineExecution"]!;

    /// <summary>ListActionExecutions of one execution, newest first.</summary>
    public async Task<IReadOnlyList<JsonObject>> ActionExecutionsAsync(string pipeline, string executionId) =>
        (await CallAsync("ListActionExecutions", new JsonObject { ["pipelineName"] = pipeline, ["filter"] = new JsonObject { ["pipelineExecutionId"] = executionId } }))
            ["actionExecutionDetails"]!.AsArray().Select(a => (JsonObject)a!).ToList();

    public Task<JsonObject> StateAsync(string pipeline) => CallAsync("GetPipelineState", new JsonObject { ["name"] = pipeline });

    /// <summary>The token of the manual approval the execution waits at.</summary>
    public async Task<string> ApprovalTokenAsync(string pipeline, string executionId, string stage = "Approval") =>
        await UntilAsync($"approval of {executionId}", async () =>
        {
            var state = await StateAsync(pipeline);
            var stageState = state["stageStates"]!.AsArray().Single(s => s!["stageName"]!.GetValue<string>() == stage)!;
            var latest = stageState["actionStates"]![0]!["latestExecution"];
            return stageState["latestExecution"]?["pipelineExecutionId"]?.GetValue<string>() == executionId && latest?["token"] is { } token
                ? token.GetValue<string>()
                : null;
        });

    public Task<JsonObject> DecideAsync(string pipeline, string stage, string action, string token, bool approve, string summary = "decided") =>
        CallAsync("PutApprovalResult", new JsonObject
        {
            ["pipelineName"] = pipeline,
            ["stageName"] = stage,
            ["actionName"] = action,
            ["token"] = token,
            ["result"] = new JsonObject { ["status"] = approve ? "Approved" : "Rejected", ["summary"] = summary },
        });

    /// <summary>Polls until the execution has the status.</summary>
    public Task<JsonObject> WaitForStatusAsync(string pipeline, string executionId, string status) =>
        UntilAsync($"{executionId} {status}", async () =>
        {
            var execution = await ExecutionAsync(pipeline, executionId);
            return execution["status"]!.GetValue<string>() == status ? execution : null;
        });

    public static async Task<T> UntilAsync<T>(string what, Func<Task<T?>> probe, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
