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
        "PutApprovalResult", "StopPipelineExecution", "RetryStageExecution", "ListActionExecutions",
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
            "ListActionExecutions" => ListActions(store, body, context.Region),
            _ => throw new AwsServiceException("UnknownOperationException", $"Unknown operation {context.Operation}"),
        };
        return Task.FromResult(result);
    }

    private JsonObject Start(RegionState region, JsonObject body, AwsOperationContext context)
    {
        var name = body.RequiredString("name");
        var variables = body.Objects("variables").Select(v => KeyValuePair.Create(v.RequiredString("name"), v.String("value") ?? "")).ToList();
        var revisions = body.Objects("sourceRevisions")
            .Select(r => new SourceRevisionRecord(r.RequiredString("actionName"), r.RequiredString("revisionType"), r.RequiredString("revisionValue"))).ToList();
        var (execution, started) = region.Pipelines.Start(name, variables, body.String("clientRequestToken"), $"arn:aws:iam::{context.AccountId}:root", revisions);
        if (started) runner.Run(region, name, execution.Id);
        return new JsonObject { ["pipelineExecutionId"] = execution.Id };
    }

    /// <summary>Newest first, maxResults (1..100, default 100) a page; filter.succeededInStage keeps those that succeeded in the stage.</summary>
    private static JsonObject List(PipelineStore store, JsonObject body)
    {
        var name = body.RequiredString("pipelineName");
        var maxResults = body.Int("maxResults") ?? MaxResults;
        if (maxResults is < 1 or > MaxResults)
            throw AwsServiceException.ValidationException($"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and {MaxResults}");
        var stage = SucceededInStage(body);
        // A token names the sequence the next page starts before, so a page stays stable while new executions start.
        var listing = $"executions:{name}:{stage}";
        var before = body.String("nextToken") is { } token
            ? PageToken.Decode(listing, token) ?? throw new AwsServiceException("InvalidNextTokenException", "The next token is not valid.")
            : (long?)null;
        var (page, next) = store.ListExecutions(name, before, maxResults, stage);
        var result = new JsonObject { ["pipelineExecutionSummaries"] = new JsonArray(page.Select(e => (JsonNode?)PipelineStateJson.Summary(e)).ToArray()) };
        if (next is { } nextBefore) result["nextToken"] = PageToken.Encode(listing, checked((int)nextBefore));
        return result;
    }

    /// <summary>Newest first; filter.pipelineExecutionId narrows to one execution.</summary>
    private static JsonObject ListActions(PipelineStore store, JsonObject body, string region)
    {
        var name = body.RequiredString("pipelineName");
        var maxResults = body.Int("maxResults") ?? MaxResults;
        if (maxResults is < 1 or > MaxResults)
            throw AwsServiceException.ValidationException($"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and {MaxResults}");
        var executionId = body.Object("filter")?.String("pipelineExecutionId");
        var actions = store.ActionExecutions(name, executionId);
        var listing = $"actions:{name}:{executionId}";
        var position = PageToken.Decode(listing, body.String("nextToken")) ?? throw new AwsServiceException("InvalidNextTokenException", "The next token is not valid.");
        var (page, next) = PageToken.Page(actions, listing, position, maxResults);
        var result = new JsonObject
        {
            ["actionExecutionDetails"] = new JsonArray(page.Select(a => (JsonNode?)PipelineStateJson.ActionExecution(a.Execution, a.Stage, a.Declaration, a.ActionName, a.Record, region)).ToArray()),
        };
        if (next is not null) result["nextToken"] = next;
        return result;
    }

    private static string? SucceededInStage(JsonObject body)
    {
        if (body.Object("filter") is not { } filter) return null;
        if (filter.Object("succeededInStage") is not { } succeeded) return null;
        var stageName = succeeded.String("stageName")
            ?? throw AwsServiceException.ValidationException(AwsServiceException.MissingMemberMessage("filter.succeededInStage.stageName"));
        if (stageName.Length is < 1 or > 100)
            throw AwsServiceException.ValidationException(
                $"1 validation error detected: Value '{stageName}' at 'filter.succeededInStage.stageName' failed to satisfy constraint: Member must have length between 1 and 100");
        return stageName;
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
