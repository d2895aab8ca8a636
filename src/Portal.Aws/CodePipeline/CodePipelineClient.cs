using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Aws.Protocol;

namespace Portal.Aws.CodePipeline;

/// <summary>CodePipeline over JSON 1.1 (target prefix CodePipeline_20150709), member names as in AWS's API reference.</summary>
public sealed class CodePipelineClient(AwsRequestSender sender) : IPipelines
{
    public const string TargetPrefix = "CodePipeline_20150709";
    private readonly JsonProtocol json = new(AwsService.CodePipeline, TargetPrefix, sender);

    /// <summary>Without a clientRequestToken one is generated per call (as the AWS SDKs do), so a retried attempt cannot start a second execution.</summary>
    public async Task<string> StartExecutionAsync(StartPipelineExecutionRequest request, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject().Set("name", request.PipelineName);
        if (request.Variables.Count > 0)
            input["variables"] = new JsonArray(request.Variables
                .Select(v => (JsonNode)new JsonObject { ["name"] = v.Key, ["value"] = v.Value }).ToArray());
        if (request.SourceRevisions.Count > 0)
            input["sourceRevisions"] = new JsonArray(request.SourceRevisions
                .Select(r => (JsonNode)new JsonObject { ["actionName"] = r.ActionName, ["revisionType"] = r.RevisionType, ["revisionValue"] = r.RevisionValue })
                .ToArray());
        input.Set("clientRequestToken", request.ClientRequestToken ?? Guid.NewGuid().ToString());
        var result = await json.InvokeAsync("StartPipelineExecution", input, cancellationToken);
        return result.Required("pipelineExecutionId");
    }

    public async Task<PipelineState> GetStateAsync(string pipelineName, CancellationToken cancellationToken = default)
    {
        var r = await json.InvokeAsync("GetPipelineState", new JsonObject().Set("name", pipelineName), cancellationToken);
        var stages = r.Items("stageStates").Select(s => new StageState(
            s.Required("stageName"),
            s.Member("latestExecution") is { } latest ? new StageExecutionInfo(latest.Required("pipelineExecutionId"), latest.Required("status")) : null,
            s.Items("actionStates").Select(ReadActionState).ToList())).ToList();
        return new PipelineState(r.Str("pipelineName") ?? pipelineName, r.Int("pipelineVersion"), stages, r.Time("updated"));
    }

    public async Task<PipelineExecutionDetail> GetExecutionAsync(string pipelineName, string pipelineExecutionId, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject().Set("pipelineName", pipelineName).Set("pipelineExecutionId", pipelineExecutionId);
        var r = await json.InvokeAsync("GetPipelineExecution", input, cancellationToken);
        var e = r.Member("pipelineExecution") ?? throw new AwsProtocolException("The GetPipelineExecution answer has no \"pipelineExecution\".");
        var variables = e.Items("variables")
            .Where(v => v.Str("name") is not null)
            .ToDictionary(v => v.Required("name"), v => v.Str("resolvedValue") ?? "", StringComparer.Ordinal);
        var revisions = e.Items("artifactRevisions")
            .Select(a => new ArtifactRevisionInfo(a.Required("name"), a.Str("revisionId"), a.Str("revisionSummary"))).ToList();
        return new PipelineExecutionDetail(e.Str("pipelineName") ?? pipelineName, e.Required("pipelineExecutionId"), e.Required("status"),
            e.Str("statusSummary"), variables, revisions);
    }

    public async Task<AwsPage<PipelineExecutionSummary>> ListExecutionsAsync(string pipelineName, int? maxResults = null, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject().Set("pipelineName", pipelineName).Set("maxResults", maxResults).Set("nextToken", nextToken);
        var r = await json.InvokeAsync("ListPipelineExecutions", input, cancellationToken);
        var summaries = r.Items("pipelineExecutionSummaries").Select(s => new PipelineExecutionSummary(
            s.Required("pipelineExecutionId"), s.Required("status"), s.Str("statusSummary"), s.Time("startTime"), s.Time("lastUpdateTime"),
            s.Member("trigger")?.Str("triggerType"), s.Member("trigger")?.Str("triggerDetail"))
        {
            StopReason = s.Member("stopTrigger")?.Str("reason"),
        }).ToList();
        return new AwsPage<PipelineExecutionSummary>(summaries, r.Str("nextToken"));
    }

    public async Task<DateTimeOffset> PutApprovalResultAsync(ApprovalResultRequest request, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject()
            .Set("pipelineName", request.PipelineName)
            .Set("stageName", request.StageName)
            .Set("actionName", request.ActionName)
            .Set("result", new JsonObject { ["summary"] = request.Summary, ["status"] = request.Approved ? "Approved" : "Rejected" })
            .Set("token", request.Token);
        System.Text.Json.JsonElement r;
        try
        {
            r = await json.InvokeAsync("PutApprovalResult", input, cancellationToken);
        }
        catch (AwsException e) when (AwsErrors.IsApprovalNotPending(e.Code))
        {
            throw new AwsApprovalNotPendingException(e.Service, e.Code, e.AwsMessage, e.RequestId, e.StatusCode);
        }
        return r.Time("approvedAt") ?? throw new AwsProtocolException("The PutApprovalResult answer has no \"approvedAt\".");
    }

    /// <summary>abandon is sent only when true (AWS's default is false).</summary>
    public async Task<string> StopExecutionAsync(string pipelineName, string pipelineExecutionId, string? reason = null, bool abandon = false, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject()
            .Set("pipelineName", pipelineName)
            .Set("pipelineExecutionId", pipelineExecutionId)
            .Set("abandon", abandon ? true : null)
            .Set("reason", reason);
        var r = await json.InvokeAsync("StopPipelineExecution", input, cancellationToken);
        return r.Required("pipelineExecutionId");
    }

    public async Task<string> RetryStageExecutionAsync(string pipelineName, string stageName, string pipelineExecutionId, string retryMode = "FAILED_ACTIONS", CancellationToken cancellationToken = default)
    {
        var input = new JsonObject()
            .Set("pipelineName", pipelineName)
            .Set("stageName", stageName)
            .Set("pipelineExecutionId", pipelineExecutionId)
            .Set("retryMode", retryMode);
        var r = await json.InvokeAsync("RetryStageExecution", input, cancellationToken);
        return r.Required("pipelineExecutionId");
    }

    public async Task<IReadOnlyList<ActionExecutionDetail>> ListActionExecutionsAsync(string pipelineName, string pipelineExecutionId,
        CancellationToken cancellationToken = default)
    {
        var details = new List<ActionExecutionDetail>();
        string? nextToken = null;
        do
        {
            var input = new JsonObject()
                .Set("pipelineName", pipelineName)
                .Set("filter", new JsonObject { ["pipelineExecutionId"] = pipelineExecutionId })
                .Set("nextToken", nextToken);
            var r = await json.InvokeAsync("ListActionExecutions", input, cancellationToken);
            details.AddRange(r.Items("actionExecutionDetails").Select(ReadActionExecution));
            nextToken = r.Str("nextToken");
        } while (nextToken is not null);
        return details;
    }

    private static ActionExecutionDetail ReadActionExecution(JsonElement d)
    {
        var output = d.Member("output");
        var result = output?.Member("executionResult");
        var artifacts = output is { } o
            ? o.Items("outputArtifacts").Where(a => a.Member("s3location") is not null)
                .Select(a => new ArtifactLocation(a.Required("name"), a.Member("s3location")!.Value.Required("bucket"), a.Member("s3location")!.Value.Required("key")))
                .ToList()
            : [];
        return new ActionExecutionDetail(d.Required("stageName"), d.Required("actionName"), d.Required("status"), result?.Str("externalExecutionId"),
            result?.Str("externalExecutionSummary"), result?.Member("errorDetails")?.Str("message"), artifacts)
        {
            StartTime = d.Time("startTime"),
            LastUpdateTime = d.Time("lastUpdateTime"),
        };
    }

    private static ActionState ReadActionState(JsonElement a)
    {
        ActionExecutionInfo? latest = null;
        if (a.Member("latestExecution") is { } e)
        {
            var error = e.Member("errorDetails");
            latest = new ActionExecutionInfo(e.Str("actionExecutionId"), e.Required("status"), e.Str("summary"), e.Time("lastStatusChange"),
                e.Str("token"), error?.Str("code"), error?.Str("message"));
        }
        return new ActionState(a.Required("actionName"), latest);
    }
}
