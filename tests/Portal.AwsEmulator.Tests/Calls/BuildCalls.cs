using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.Tests.Calls;

/// <summary>CodeBuild's BatchGetBuilds and CloudWatch Logs' GetLogEvents, as a client finds a build's log.</summary>
public sealed class BuildCalls(AwsClient client)
{
    public async Task<JsonObject> BuildAsync(string id) =>
        (JsonObject)(await client.JsonAsync("CodeBuild_20161006.BatchGetBuilds", "codebuild", new JsonObject { ["ids"] = new JsonArray(id) }))["builds"]![0]!;

    public Task<JsonObject> LogEventsAsync(JsonObject request) => client.JsonAsync("Logs_20140328.GetLogEvents", "logs", request);

    public Task<JsonObject> FilterAsync(JsonObject request) => client.JsonAsync("Logs_20140328.FilterLogEvents", "logs", request);
}
