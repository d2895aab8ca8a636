using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data.Views;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Orders;
using Portal.Web.Auth;
using static Portal.Web.Api.HostEndpoints;

namespace Portal.Web.Api;

/// <summary>
/// Updating a host in two calls: PUT the edited order and get the change preview (prepared by a job; poll it until
/// Ready), then confirm it, or discard it. Another customer's host, or a change of it, answers 404 by every route.
/// </summary>
public static class HostChangeEndpoints
{
    private const string ValidationTitle = "The order has errors.";

    public static RouteGroupBuilder MapHostChangeEndpoints(this RouteGroupBuilder hosts)
    {
        hosts.MapPut("/{name}", async Task<Results<Accepted<HostChangeView>, ValidationProblem, ProblemHttpResult>> (
            string name, HostOrder order, HttpContext http, HostChanges changes) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            // The host is named by the route; the body may leave its name out.
            if (string.IsNullOrWhiteSpace(order.Name)) order.Name = name;
            return await changes.ProposeAsync(http.User.ToActor(http), customerId, name, order, http.RequestAborted) switch
            {
                ChangeOutcome.Done done => TypedResults.Accepted(ChangeLocation(name, done.Change.Id), done.Change),
                ChangeOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors, title: ValidationTitle),
                ChangeOutcome.Conflict conflict => Conflict(conflict.Message, "Cannot change the host"),
                _ => HostNotFound(name),
            };
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("UpdateHost")
        .WithSummary("Proposes a change of the host's order and answers with its change preview; nothing changes until you confirm it.")
        .WithDescription(
            "The body is the whole order, as for POST /hosts, edited (start from GET /hosts/{name}); 'name' may be left out. " +
            "The name, the GitLab project and the database engine cannot change, and database storage only grows. Environments may be " +
            "added (listed in 'environments': provisioned on confirmation as an order's, previewed as stacks with status Create) or removed " +
            "(left out: decommissioned on confirmation, previewed as stacks with status Delete listing every resource; a database goes with " +
            "a final snapshot; its releases stay); one must stay ('environments' error), and removing production needs " +
            "'confirmRemoval': 'production' ('confirmRemoval' error). " +
            "202 Accepted: the change is Preparing while CloudFormation works out what it does to each stack; poll the Location until its " +
            "state is Ready (its stacks list every resource to be added, modified or removed, and whether it is replaced), NoChanges " +
            "(no stack changes; confirming just saves the order) or Failed (stateReason says why). Then POST …/confirm, or DELETE the change. " +
            "A new proposal supersedes an open one. 400 lists field errors ('order' when nothing changed); 409 while the host is not Active.");

        hosts.MapGet("/{name}/changes", async Task<Results<Ok<ResultPage<HostChangeView>>, ValidationProblem, ProblemHttpResult>> (
            string name, int? page, int? pageSize, HttpContext http, HostChanges changes) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            var errors = Paging.Check(page, pageSize, HostChanges.MaxPageSize);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            var found = await changes.ListAsync(customerId, name, page ?? 1, pageSize ?? HostChanges.DefaultPageSize, http.RequestAborted);
            return found is null ? HostNotFound(name) : TypedResults.Ok(found);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("ListHostChanges")
        .WithSummary($"The host's changes, newest first (page from 1, pageSize up to {HostChanges.MaxPageSize}).");

        hosts.MapGet("/{name}/changes/{id:guid}", async Task<Results<Ok<HostChangeView>, ProblemHttpResult>> (
            string name, Guid id, HttpContext http, HostChanges changes, HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            return await changes.GetAsync(customerId, name, id, http.RequestAborted) is { } change
                ? TypedResults.Ok(change)
                : await ChangeNotFoundAsync(customerId, name, id, queries, http);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("GetHostChange")
        .WithSummary("One change of the host: its state, the fields it changes and, once Ready, each stack's resource changes.");

        hosts.MapPost("/{name}/changes/{id:guid}/confirm", async Task<Results<Accepted<HostChangeView>, ValidationProblem, ProblemHttpResult>> (
            string name, Guid id, HttpContext http, HostChanges changes, HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            return await changes.ConfirmAsync(http.User.ToActor(http), customerId, name, id, http.RequestAborted) switch
            {
                ChangeOutcome.Done done => TypedResults.Accepted(ChangeLocation(name, id), done.Change),
                ChangeOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors, title: "The change no longer passes the order rules."),
                ChangeOutcome.Conflict conflict => Conflict(conflict.Message, "Cannot confirm the change"),
                // As an order the platform has no room for: the platform's capacity, not the request, is at fault.
                ChangeOutcome.Unavailable unavailable => TypedResults.Problem(unavailable.Message, statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Cannot confirm the change now"),
                _ => await ChangeNotFoundAsync(customerId, name, id, queries, http),
            };
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithName("ConfirmHostChange")
        .WithSummary("Confirms a Ready (or NoChanges) change: the order is saved and the previewed stacks are updated.")
        .WithDescription(
            "202 Accepted: the change is Applying and the host Updating (follow them at the Location and at /hosts/{name} until the change is " +
            "Applied and the host Active again; Failed with AWS's reason otherwise). A NoChanges change is Applied at once. " +
            "409 while the preview is still Preparing, when the change was discarded, superseded, failed or already confirmed, or when the host is not Active. " +
            "503 when an environment it adds fits on no shared load balancer (as an order is refused; an operator must add one) or AWS did not answer: " +
            "nothing changed and the change stays open, to be confirmed later.");

        hosts.MapDelete("/{name}/changes/{id:guid}", async Task<Results<Ok<HostChangeView>, ProblemHttpResult>> (
            string name, Guid id, HttpContext http, HostChanges changes, HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            return await changes.DiscardAsync(http.User.ToActor(http), customerId, name, id, http.RequestAborted) switch
            {
                ChangeOutcome.Done done => TypedResults.Ok(done.Change),
                ChangeOutcome.Conflict conflict => Conflict(conflict.Message, "Cannot discard the change"),
                _ => await ChangeNotFoundAsync(customerId, name, id, queries, http),
            };
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("DiscardHostChange")
        .WithSummary("Discards an open change (Preparing, Ready or NoChanges); the host keeps its order. 409 once it is confirmed, discarded or superseded.");

        return hosts;
    }

    public static string ChangeLocation(string name, Guid id) => $"{HostLocation(name)}/changes/{id}";

    private static ProblemHttpResult Conflict(string message, string title) =>
        TypedResults.Problem(message, statusCode: StatusCodes.Status409Conflict, title: title);

    private static async Task<ProblemHttpResult> ChangeNotFoundAsync(Guid customerId, string name, Guid id, HostQueries queries, HttpContext http) =>
        await queries.GetAsync(customerId, name, cancellationToken: http.RequestAborted) is null
            ? HostNotFound(name)
            : TypedResults.Problem($"Host '{name}' has no change {id}.", statusCode: StatusCodes.Status404NotFound, title: "Change not found");
}
