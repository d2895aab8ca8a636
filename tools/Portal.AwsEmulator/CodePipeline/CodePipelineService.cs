using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;
using static Portal.AwsEmulator.Protocol.JsonInput;

namespace Portal.AwsEmulator.CodePipeline;

/// <summary>CodePipeline (JSON 1.1, target prefix CodePipeline_20150709): the execution and approval operations the portal uses.</summary>
public sealed class CodePipelineService(EmulatorState state, PipelineRunner runner) : IJsonService
{
    private const int MaxResults = 100;

    private static readonly HashSet<string> Operations =
    [
        "StartPipelineExecution", "GetPipelineState", "GetPipelineExecution", "ListPipelineExecutions",
        "PutApprovalResult", "StopPipelineExecution", "RetryStageExecution",
    ];

    public string Name => "codepipeline";
    public string TargetPrefix => "CodePipeline_20150709";
    public string ThrottlingCode => "ThrottlingException";

    public bool Supports(string operation) => Operations.Contains(operation);

    public Task<JsonObject> HandleAsync(AwsOperationContext context, CancellationToken cancellationToken)
    {
        var region = state.Region(context.Region);
        var store = region.Pipelines;
        var body = context.Json;
        var result = context.Operation switch
        {
            "StartPipelineExecution" => Start(region, body, context),
            "GetPipelineState" => PipelineStateJson.State(store.GetState(body.RequiredString("name"))),
            "GetPipelineExecution" => new JsonObject
            {
                ["pipelineExecution"] = PipelineStateJson.Execution(store.GetExecution(body.RequiredString("pipelineName"), body.RequiredString("pipelineExecutionId"))),
            },
            "ListPipelineExecutions" => List(store, body),
            "PutApprovalResult" => Approve(store, body, context),
            "StopPipelineExecution" => Stop(store, body),
            "RetryStageExecution" => Retry(region, body),
            _ => throw new AwsServiceException("UnknownOperationException", $"Unknown operation {context.Operation}"),
        };
        return Task.FromResult(result);
    }

    private JsonObject Start(RegionState region, JsonObject body, AwsOperationContext context)
    {
        var name = body.RequiredString("name");
        var variables = body.Objects("variables").Select(v => KeyValuePair.Create(v.RequiredString("name"), v.String("value") ?? "")).ToList();
        var (execution, started) = region.Pipelines.Start(name, variables, body.String("clientRequestToken"), $"arn:aws:iam::{context.AccountId}:root");
        if (started) runner.Run(region, name, execution.Id);
        return new JsonObject { ["pipelineExecutionId"] = execution.Id };
    }

    private static JsonObject List(PipelineStore store, JsonObject body)
    {
        var name = body.RequiredString("pipelineName");
        var maxResults = body.Int("maxResults") ?? MaxResults;
        if (maxResults is < 1 or > MaxResults)
            throw AwsServiceException.ValidationException($"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and {MaxResults}");
        var executions = store.ListExecutions(name);
        // Positions count from the oldest execution, so a page stays stable while new executions start.
        var listing = $"executions:{name}";
        var end = body.String("nextToken") is { } token
            ? PageToken.Decode(listing, token) ?? throw new AwsServiceException("InvalidNextTokenException", "The next token is not valid.")
            : executions.Count;
        var start = Math.Max(0, end - maxResults);
        var page = executions.Reverse().Skip(start).Take(end - start).Reverse();
        var result = new JsonObject { ["pipelineExecutionSummaries"] = new JsonArray(page.Select(e => (JsonNode?)PipelineStateJson.Summary(e)).ToArray()) };
        if (start > 0) result["nextToken"] = PageToken.Encode(listing, start);
        return result;
    }

    private static JsonObject Approve(PipelineStore store, JsonObject body, AwsOperationContext context)
    {
        var result = body.Object("result") ?? throw AwsServiceException.ValidationException(AwsServiceException.MissingMemberMessage("result"));
        var status = result.RequiredString("status");
        if (status is not ("Approved" or "Rejected"))
            throw AwsServiceException.ValidationException($"1 validation error detected: Value '{status}' at 'result.status' failed to satisfy constraint: Member must satisfy enum value set: [Approved, Rejected]");
        var approvedAt = store.Decide(body.RequiredString("pipelineName"), body.RequiredString("stageName"), body.RequiredString("actionName"),
            body.RequiredString("token"), status == "Approved", result.RequiredString("summary"), $"arn:aws:iam::{context.AccountId}:root");
        return new JsonObject { ["approvedAt"] = Time(approvedAt) };
    }

    private static JsonObject Stop(PipelineStore store, JsonObject body)
    {
        var execution = store.Stop(body.RequiredString("pipelineName"), body.RequiredString("pipelineExecutionId"), body.Bool("abandon") ?? false, body.String("reason"));
        return new JsonObject { ["pipelineExecutionId"] = execution.Id };
    }

    private JsonObject Retry(RegionState region, JsonObject body)
    {
        var mode = body.RequiredString("retryMode");
        if (mode is not ("FAILED_ACTIONS" or "ALL_ACTIONS"))
            throw AwsServiceException.ValidationException($"1 validation error detected: Value '{mode}' at 'retryMode' failed to satisfy constraint: Member must satisfy enum value set: [FAILED_ACTIONS, ALL_ACTIONS]");
        var name = body.RequiredString("pipelineName");
        var execution = region.Pipelines.Retry(name, body.RequiredString("stageName"), body.RequiredString("pipelineExecutionId"), mode == "FAILED_ACTIONS");
        runner.Run(region, name, execution.Id);
        return new JsonObject { ["pipelineExecutionId"] = execution.Id };
    }
}
