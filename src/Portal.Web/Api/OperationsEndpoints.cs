using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Views;
using Portal.Provisioning.Hosts;
using Portal.Releases;
using Portal.Releases.Approvals;
using Portal.Web.Auth;
using Portal.Web.Operations;

namespace Portal.Web.Api;

/// <summary>
/// The operators' API: pending approvals and decisions on them, the overview, the fleet with its actions, the audit
/// log and its CSV export. Operators only: a customer's token or cookie gets 403 on every route.
/// </summary>
public static class OperationsEndpoints
{
    public const string AuditExportPath = "/api/v1/operations/audit.csv";

    public static RouteGroupBuilder MapOperationsEndpoints(this RouteGroupBuilder api)
    {
        var ops = api.MapGroup("/operations").WithTags("Operations").RequireAuthorization(PortalRoles.Operator)
            .WithMetadata(new OperationsScopeMetadata())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        ops.MapGet("/overview", async (OperationsOverview overview, HttpContext http) => TypedResults.Ok(await overview.GetAsync(http.RequestAborted)))
            .WithName("GetOperationsOverview")
            .WithSummary("Hosts by state, failing hosts and jobs with their reasons, releases in flight and approvals waiting.");

        ops.MapGet("/approvals", async Task<Results<Ok<ResultPage<PendingApproval>>, ValidationProblem>> (
            int? page, int? pageSize, HttpContext http, PendingApprovals approvals) =>
        {
            var errors = Paging.Check(page, pageSize, PendingApprovals.MaxPageSize);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            return TypedResults.Ok(await approvals.ListAsync(http.User.UserId(), page ?? 1, pageSize ?? PendingApprovals.DefaultPageSize, http.RequestAborted));
        })
        .WithName("ListPendingApprovals")
        .WithSummary("Every release waiting at a manual approval, oldest first, with its stages so far and the decisions taken.");

        ops.MapPost("/approvals/{releaseId:guid}/approve", (Guid releaseId, DecisionRequest? body, HttpContext http, ApprovalService approvals) =>
                DecideAsync(releaseId, ApprovalOutcome.Approved, body, http, approvals))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("ApproveRelease")
            .WithSummary("Approves a release waiting at a manual approval; a comment is required.")
            .WithDescription("Production needs the host's number of approvals (1 or 2) from different operators: the earlier ones are recorded " +
                             "(outcome Recorded), the last is sent to AWS (outcome Approved). A production host with approver e-mails needs one of " +
                             "the customer's approvers too, before or after the operators (waitingForCustomer says it still waits for them). " +
                             "403 when you pushed the commit; 409 when you already decided, the operators' approvals are complete, or the " +
                             "approval is no longer current (superseded, stopped, decided elsewhere).");

        ops.MapPost("/approvals/{releaseId:guid}/reject", (Guid releaseId, DecisionRequest? body, HttpContext http, ApprovalService approvals) =>
                DecideAsync(releaseId, ApprovalOutcome.Rejected, body, http, approvals))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("RejectRelease")
            .WithSummary("Rejects a release waiting at a manual approval: sent to AWS at once, the execution fails. A comment is required.");

        ops.MapGet("/hosts", async Task<Results<Ok<ResultPage<FleetHost>>, ValidationProblem>> (
            int? page, int? pageSize, string? search, string? state, string? environment, string? customer, Guid? customerId, bool? failing,
            HttpContext http, FleetQueries fleet) =>
        {
            var errors = Paging.Check(page, pageSize, FleetQueries.MaxPageSize);
            var parsedState = ParseEnum<HostState>(state, "state", errors);
            EnvironmentKind? kind = null;
            if (!string.IsNullOrWhiteSpace(environment))
            {
                if (EnvironmentNames.TryParse(environment, out var parsed)) kind = parsed;
                else errors["environment"] = ["Use dev, staging or production."];
            }
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            return TypedResults.Ok(await fleet.HostsAsync(new FleetQuery(page ?? 1, pageSize ?? FleetQueries.DefaultPageSize, search, parsedState, kind, customerId, customer,
                Failing: failing ?? false),
                http.RequestAborted));
        })
        .WithName("ListFleetHosts")
        .WithSummary("Every customer's hosts, a page at a time, searched by name or GitLab path and filtered by state, environment, customer and failing.");

        ops.MapGet("/hosts/{hostId:guid}", async Task<Results<Ok<OperatorHostView>, ProblemHttpResult>> (Guid hostId, HttpContext http, FleetQueries fleet) =>
                await fleet.HostAsync(hostId, http.RequestAborted) is { } host ? TypedResults.Ok(host) : NotFound("There is no such host."))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetFleetHost")
            .WithSummary("One host as operators see it: environments with their pipelines and approval settings, releases to act on.");

        ops.MapPost("/hosts/{hostId:guid}/retry", (Guid hostId, HttpContext http, HostOperations operations) =>
                ActAsync(operations.RetryAsync(hostId, http.User.ToActor(http), http.RequestAborted)))
            .WithName("RetryFleetHost").WithSummary("Runs the failed operation of every failed environment of the host again.");

        ops.MapPost("/hosts/{hostId:guid}/environments/{environment}/recovery", (Guid hostId, string environment, RecoveryRequest? body,
                HttpContext http, HostOperations operations) =>
                EnvironmentNames.TryParse(environment, out var kind)
                    ? ActAsync(operations.RecoverAsync(hostId, kind, RecoveryRequest.Parse(body?.Action), body?.Resources ?? [],
                        http.User.ToActor(http), http.RequestAborted))
                    : Task.FromResult<IResult>(NotFound($"There is no environment '{environment}' (dev, staging or production).")))
            .WithName("RecoverFleetEnvironment")
            .WithSummary("A way out of a stuck stack: continue-rollback (UPDATE_ROLLBACK_FAILED, skipping the named resources) or " +
                         "retain-resources (DELETE_FAILED, deleting the stack but keeping the named resources).");

        ops.MapPost("/hosts/{hostId:guid}/resync", (Guid hostId, HttpContext http, ReleaseActions actions) =>
                ActAsync(actions.ResyncAsync(hostId, http.User.ToActor(http), http.RequestAborted)))
            .WithName("ResyncFleetHost").WithSummary("Reads the state of every pipeline of the host from AWS now.");

        ops.MapPut("/hosts/{hostId:guid}/required-approvals", (Guid hostId, RequiredApprovalsRequest body, HttpContext http, ApprovalSettings settings) =>
                ActAsync(settings.SetRequiredApprovalsAsync(hostId, body.RequiredApprovals, http.User.ToActor(http), http.RequestAborted)))
            .WithName("SetRequiredApprovals")
            .WithSummary("How many different operators must approve the host's production releases: 1 or 2. Raising applies at once; " +
                "lowering is proposed and applies once another operator confirms it. Releases already waiting keep their count.");

        ops.MapGet("/hosts/{hostId:guid}/required-approvals", async Task<Results<Ok<ApprovalRuleView>, ProblemHttpResult>> (Guid hostId, HttpContext http,
                ApprovalSettings settings) =>
                await settings.RuleAsync(hostId, http.RequestAborted) is { } rule ? TypedResults.Ok(rule) : NotFound("There is no such host."))
            .WithName("GetRequiredApprovals").WithSummary("The host's production approval rule and the lowering waiting for a second operator, if any.");

        ops.MapPost("/hosts/{hostId:guid}/required-approvals/confirm", (Guid hostId, HttpContext http, ApprovalSettings settings) =>
                ActAsync(settings.ConfirmAsync(hostId, http.User.ToActor(http), http.RequestAborted)))
            .WithName("ConfirmRequiredApprovals").WithSummary("A second operator confirms the proposed lowering (its proposer cannot: 409).");

        ops.MapPost("/hosts/{hostId:guid}/required-approvals/withdraw", (Guid hostId, HttpContext http, ApprovalSettings settings) =>
                ActAsync(settings.WithdrawAsync(hostId, http.User.ToActor(http), http.RequestAborted)))
            .WithName("WithdrawRequiredApprovals").WithSummary("Withdraws (or turns down) the proposed lowering; the rule stays.");

        ops.MapPut("/hosts/{hostId:guid}/environments/{environment}/approval", (Guid hostId, string environment, EnvironmentApprovalRequest body,
                HttpContext http, HostOperations operations) =>
                EnvironmentNames.TryParse(environment, out var kind)
                    ? ActAsync(operations.SetManualApprovalAsync(hostId, kind, body.Required, http.User.ToActor(http), http.RequestAborted))
                    : Task.FromResult<IResult>(NotFound($"There is no environment '{environment}' (dev, staging or production).")))
            .WithName("SetEnvironmentApproval")
            .WithSummary("Makes dev or staging releases wait for an operator's approval (or not); the environment's pipeline is updated.");

        ops.MapPost("/releases/{releaseId:guid}/retry", (Guid releaseId, HttpContext http, ReleaseActions actions) =>
                ActAsync(actions.RetryAsync(releaseId, http.User.ToActor(http), http.RequestAborted)))
            .WithName("RetryRelease").WithSummary("Starts a failed release again.");

        ops.MapPost("/releases/{releaseId:guid}/stop", (Guid releaseId, StopRequest? body, HttpContext http, ReleaseActions actions) =>
                ActAsync(actions.StopAsync(releaseId, http.User.ToActor(http), body?.Reason, http.RequestAborted)))
            .WithName("StopRelease").WithSummary("Stops the release's running pipeline execution.");

        ops.MapPost("/jobs/{jobId}/requeue", (string jobId, HttpContext http, JobActions jobs) =>
                ActAsync(jobs.RequeueAsync(jobId, http.User.ToActor(http), http.RequestAborted)))
            .WithName("RequeueJob").WithSummary("Puts a background job that failed for good back in its queue.");

        ops.MapGet("/audit", async Task<Results<Ok<ResultPage<AuditRow>>, ValidationProblem>> (
            [AsParameters] AuditFilter filter, int? page, int? pageSize, HttpContext http, AuditQueries audit) =>
        {
            var errors = Paging.Check(page, pageSize, AuditQueries.MaxPageSize);
            var query = filter.ToQuery(errors);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            return TypedResults.Ok(await audit.ListAsync(query, page ?? 1, pageSize ?? AuditQueries.DefaultPageSize, http.RequestAborted));
        })
        .WithName("ListAuditEntries")
        .WithSummary("The audit log, newest first, filtered by time range (from, to: ISO 8601), customer, host, actor and action prefix.");

        ops.MapGet("/audit.csv", async Task<Results<EmptyHttpResult, ValidationProblem>> ([AsParameters] AuditFilter filter, HttpContext http, AuditQueries audit) =>
        {
            var errors = new Dictionary<string, string[]>();
            var query = filter.ToQuery(errors);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
            await AuditCsv.WriteAsync(audit.StreamAsync(query, http.RequestAborted), writer, http.RequestAborted);
            return TypedResults.Empty;
        })
        .Produces(StatusCodes.Status200OK, contentType: "text/csv")
        .WithName("ExportAuditEntries")
        .WithSummary("The audit log as CSV, streamed, with the same filters as the list.");

        return api;
    }

    private static async Task<IResult> DecideAsync(Guid releaseId, ApprovalOutcome outcome, DecisionRequest? body, HttpContext http, ApprovalService approvals) =>
        DecisionAnswers.Of(await approvals.DecideAsync(releaseId, http.User.ToActor(http), outcome, body?.Comment, http.RequestAborted));

    private static async Task<IResult> ActAsync(Task<ActionResult> action)
    {
        var result = await action;
        return ActionProblems.Of(result, Title(result.Outcome)) as IResult ?? TypedResults.Ok(new ActionResponse(result.Message));
    }

    private static string Title(ActionOutcome outcome) => outcome switch
    {
        ActionOutcome.NotFound => "Not found",
        ActionOutcome.Invalid => "One or more validation errors occurred.",
        ActionOutcome.Unavailable => "AWS is unavailable",
        _ => "Not possible now",
    };

    private static ProblemHttpResult NotFound(string message) =>
        TypedResults.Problem(message, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    internal static T? ParseEnum<T>(string? text, string field, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)) return value;
        errors[field] = [$"Use one of: {string.Join(", ", Enum.GetNames<T>())}."];
        return null;
    }
}

public sealed record DecisionRequest(string? Comment);

/// <summary>
/// A decision taken. Approvals counts the operators' approvals of RequiredApprovals; CustomerApprovalRequired says whether the
/// wait needs one of the customer's approvers too, CustomerApproved whether one has approved, WaitingForCustomer whether the
/// release still waits for them.
/// </summary>
public sealed record DecisionResponse(DecisionOutcome Outcome, string Message, ReleaseState? ReleaseState, int Approvals, int RequiredApprovals,
    bool CustomerApprovalRequired, bool CustomerApproved, bool WaitingForCustomer)
{
    public static DecisionResponse From(DecisionResult result) => new(result.Outcome, result.Message, result.ReleaseState, result.Approvals,
        result.RequiredApprovals, result.CustomerApprovalRequired, result.CustomerApproved, result.WaitingForCustomer);
}

public sealed record RequiredApprovalsRequest(int RequiredApprovals);

public sealed record EnvironmentApprovalRequest(bool Required);

public sealed record StopRequest(string? Reason);

/// <summary>Action: "continue-rollback" or "retain-resources"; Resources: logical ids to skip or to keep.</summary>
public sealed record RecoveryRequest(string? Action, IReadOnlyList<string>? Resources)
{
    public const string ContinueRollback = "continue-rollback";
    public const string RetainResources = "retain-resources";

    public static StackRecovery Parse(string? action) => action?.Trim().ToLowerInvariant() switch
    {
        ContinueRollback => StackRecovery.ContinueRollback,
        RetainResources => StackRecovery.RetainResources,
        _ => StackRecovery.None,
    };
}

public sealed record ActionResponse(string Message);

/// <summary>The audit log's filters as query parameters; times are ISO 8601 (UTC unless an offset is given).</summary>
public sealed record AuditFilter(string? From, string? To, string? Customer, string? Host, string? Actor, string? Action, Guid? CustomerId, Guid? HostId)
{
    public AuditQuery ToQuery(Dictionary<string, string[]> errors)
    {
        var from = Time(From, "from", errors);
        var to = Time(To, "to", errors);
        if (from is not null && to is not null && to <= from) errors["to"] = ["'to' must be after 'from'."];
        return new AuditQuery(from, to, Customer, Host, Actor, Action, CustomerId, HostId);
    }

    private static DateTimeOffset? Time(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)) return value;
        errors[field] = ["Use an ISO 8601 time such as 2026-01-31T12:00:00Z."];
        return null;
    }
}
