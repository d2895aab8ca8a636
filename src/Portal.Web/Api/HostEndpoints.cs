using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Views;
using Portal.GitLab;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Orders;
using Portal.Releases;
using Portal.Releases.Approvals;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>
/// The customer's hosts. Customers only: an operator's token or cookie gets 403 here (operators have their own
/// views of every tenant). Another customer's host answers 404 by every route, exactly like a missing one.
/// </summary>
public static class HostEndpoints
{
    public static RouteGroupBuilder MapHostEndpoints(this RouteGroupBuilder api)
    {
        var hosts = api.MapGroup("/hosts").WithTags("Hosts").RequireAuthorization(PortalRoles.Customer)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        hosts.MapGet("/", async Task<Results<Ok<ResultPage<HostSummary>>, ValidationProblem, ProblemHttpResult>> (
            HttpContext http, HostQueries queries, int? page, int? pageSize, string? search, string? state) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            var errors = Paging.Check(page, pageSize, HostListQuery.MaxPageSize);
            HostState? parsedState = null;
            if (!string.IsNullOrWhiteSpace(state))
            {
                if (Enum.TryParse<HostState>(state, ignoreCase: true, out var value) && Enum.IsDefined(value)) parsedState = value;
                else errors["state"] = [$"Use one of: {string.Join(", ", Enum.GetNames<HostState>())}."];
            }
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            var query = new HostListQuery(page ?? 1, pageSize ?? HostListQuery.DefaultPageSize, search, parsedState);
            return TypedResults.Ok(await queries.ListAsync(customerId, query, http.RequestAborted));
        })
        .WithName("ListHosts")
        .WithSummary("Your hosts, a page at a time (page from 1, pageSize up to 100), optionally searched by name or GitLab path and filtered by state.");

        hosts.MapPost("/", async Task<Results<Created<CreatedHost>, ValidationProblem, ProblemHttpResult>> (
            HostOrder order, HttpContext http, HostOrders orders, HostQueries queries, IPortalAddress portal) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            switch (await orders.CreateAsync(http.User.ToActor(http), customerId, order, http.RequestAborted))
            {
                case OrderOutcome.Invalid invalid:
                    return TypedResults.ValidationProblem(invalid.Errors, title: "The order has errors.");
                case OrderOutcome.OverQuota over:
                    return TypedResults.Problem(over.Usage.Message, statusCode: StatusCodes.Status409Conflict, title: "Host quota reached");
                case OrderOutcome.Unavailable unavailable:
                    return TypedResults.Problem(unavailable.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "GitLab or AWS did not answer");
                case OrderOutcome.Created created:
                    var host = await queries.GetAsync(customerId, created.Name, cancellationToken: http.RequestAborted)
                               ?? throw new InvalidOperationException($"Host {created.Name} vanished right after it was ordered.");
                    return TypedResults.Created(HostLocation(created.Name),
                        new CreatedHost(host, created.WebhookToken, HostWebhook.Url(portal.BaseUrl.ToString())));
                default:
                    throw new InvalidOperationException("Unknown order outcome.");
            }
        })
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithName("OrderHost")
        .WithSummary("Orders a host. The answer holds the GitLab webhook token; it is never shown again. 400 lists field errors; 409 when your host quota is reached.")
        .WithDescription("gitLabToken is a project access token with read_api (the portal fetches pushed commits) or api (it also adds the " +
                         "webhook and reports commit statuses); it is checked against GitLab and kept only in AWS Secrets Manager. " +
                         "503 when GitLab or AWS did not answer (nothing was ordered).");

        hosts.MapGet("/{name}", async Task<Results<Ok<HostDetails>, ProblemHttpResult>> (string name, [Description(OldHost)] Guid? host, HttpContext http,
            HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            return await queries.GetAsync(customerId, name, host, http.RequestAborted) is { } found ? TypedResults.Ok(found) : HostNotFound(name);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("GetHost")
        .WithSummary("One of your hosts: its order, state, environments and monthly estimate.")
        .WithDescription("A name means your live host of that name, else the newest decommissioned one; an older decommissioned host of " +
                         "the name (the list shows its id) is read with ?host={id}. 404 when you have no such host.");

        hosts.MapDelete("/{name}", async Task<Results<Accepted<HostDetails>, ValidationProblem, ProblemHttpResult>> (
            string name,
            [Description("The host's name again, to confirm: decommissioning cannot be undone.")] string? confirm,
            HttpContext http, HostOperations operations, HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            var started = await operations.DecommissionAsync(http.User.ToActor(http), customerId, name, confirm, http.RequestAborted);
            if (started.Outcome == ActionOutcome.Invalid)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [HostOperations.ConfirmationField] = [started.Message] },
                    title: "Confirm the decommission.");
            if (ActionProblems.Of(started, "Cannot decommission the host") is { } refused) return refused;
            return await queries.GetAsync(customerId, name, cancellationToken: http.RequestAborted) is { } host
                ? TypedResults.Accepted(HostLocation(name), host)
                : HostNotFound(name);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("DecommissionHost")
        .WithSummary("Decommissions the host: deletes every stack of every environment (AWS keeps a final snapshot of a database).")
        .WithDescription("Requires ?confirm= with the host's name; without it, or with another name, the answer is 400 with a field error on 'confirm'. " +
                         "202 Accepted: decommissioning has started; follow the host at the Location until its state is Decommissioned. " +
                         "409 while the host is being provisioned or updated, or is already decommissioning or decommissioned. " +
                         "A decommissioned host stays in your list and no longer counts against your host quota.");

        hosts.MapPost("/{name}/retry", async Task<Results<Accepted<HostDetails>, ProblemHttpResult>> (
            string name, HttpContext http, HostOperations operations, HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            var started = await operations.RetryAsync(http.User.ToActor(http), customerId, name, http.RequestAborted);
            if (ActionProblems.Of(started, "Cannot retry the host") is { } refused) return refused;
            return await queries.GetAsync(customerId, name, cancellationToken: http.RequestAborted) is { } host
                ? TypedResults.Accepted(HostLocation(name), host)
                : HostNotFound(name);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("RetryHost")
        .WithSummary("Runs the failed operation (provision, update or decommission) of every failed environment again.")
        .WithDescription("202 Accepted: the retry has started; follow the host at the Location. 409 when no environment has failed.");

        hosts.MapGet("/{name}/environments", async Task<Results<Ok<IReadOnlyList<EnvironmentDetails>>, ProblemHttpResult>> (
            string name, [Description(OldHost)] Guid? host, HttpContext http, HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            return await queries.GetAsync(customerId, name, host, http.RequestAborted) is { } found
                ? TypedResults.Ok(found.Environments)
                : HostNotFound(name);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("ListHostEnvironments")
        .WithSummary("The host's environments with their state, branch and outputs.");

        hosts.MapGet("/{name}/environments/{environment}/events", async Task<Results<Ok<ResultPage<StackEventView>>, ValidationProblem, ProblemHttpResult>> (
            string name, string environment, int? page, int? pageSize, [Description(OldHost)] Guid? host, HttpContext http, HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            if (!EnvironmentNames.TryParse(environment, out var kind)) return EnvironmentNotFound(name, environment);
            var errors = Paging.Check(page, pageSize, HostQueries.MaxEventPageSize);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            var events = await queries.EventsAsync(customerId, name, kind, page ?? 1, pageSize ?? HostQueries.DefaultEventPageSize, host, http.RequestAborted);
            return events is null ? await NotFoundAsync(customerId, name, host, environment, queries, http) : TypedResults.Ok(events);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("ListStackEvents")
        .WithSummary("CloudFormation events of the environment's stacks, newest first.");

        hosts.MapGet("/{name}/environments/{environment}/outputs", async Task<Results<Ok<HostOutputs>, ProblemHttpResult>> (
            string name, string environment, [Description(OldHost)] Guid? host, HttpContext http, HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            if (await queries.GetAsync(customerId, name, host, http.RequestAborted) is not { } details) return HostNotFound(name);
            return details.Environments.FirstOrDefault(e => string.Equals(e.Name, environment, StringComparison.OrdinalIgnoreCase)) is { } found
                ? TypedResults.Ok(found.Outputs)
                : EnvironmentNotFound(name, environment);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("GetEnvironmentOutputs")
        .WithSummary("The environment's site URL, database endpoint and the name of the secret holding the database password (never the password).");

        hosts.MapGet("/{name}/releases", async Task<Results<Ok<ResultPage<ReleaseSummary>>, ValidationProblem, ProblemHttpResult>> (
            string name, int? page, int? pageSize, string? environment, [Description(OldHost)] Guid? host, HttpContext http, ReleaseQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            var errors = Paging.Check(page, pageSize, ReleaseQueries.MaxReleasePageSize);
            EnvironmentKind? kind = null;
            if (!string.IsNullOrWhiteSpace(environment))
            {
                if (EnvironmentNames.TryParse(environment, out var parsed)) kind = parsed;
                else errors["environment"] = ["Use dev, staging or production."];
            }
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            var releases = await queries.ReleasesAsync(customerId, name, kind, page ?? 1, pageSize ?? ReleaseQueries.DefaultReleasePageSize, host,
                http.RequestAborted);
            return releases is null ? HostNotFound(name) : TypedResults.Ok(releases);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("ListReleases")
        .WithSummary("The host's releases (pipeline executions started by pushes), newest first.");

        hosts.MapPost("/{name}/releases/{releaseId:guid}/redeploy", async Task<Results<Accepted<RunAgainAnswer>, ProblemHttpResult>> (
            string name, Guid releaseId, HttpContext http, ReleaseActions actions) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            var outcome = await actions.RunAgainAsync(customerId, name, releaseId, http.User.ToActor(http), http.RequestAborted);
            if (ActionProblems.Of(outcome.Result, "Cannot deploy the release again") is { } refused) return refused;
            return TypedResults.Accepted($"/api/v1/hosts/{Uri.EscapeDataString(name)}/releases",
                new RunAgainAnswer(outcome.NewReleaseId!.Value, outcome.Result.Message));
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("RedeployRelease")
        .WithSummary("Starts a new execution of the release's stored source version through the same approvals: a redeploy, or a roll-back " +
            "when a newer release has succeeded since.");

        hosts.MapPost("/{name}/releases/{releaseId:guid}/decision", async (string name, Guid releaseId, CustomerDecisionRequest? body, HttpContext http,
            ApprovalService approvals) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            if (CustomerDecisionRequest.OutcomeOf(body?.Outcome) is not { } outcome)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["outcome"] = ["Say \"approve\" or \"reject\"."] },
                    title: "The decision needs an outcome.");
            return DecisionAnswers.Of(await approvals.DecideAsCustomerAsync(customerId, name, releaseId, http.User.ToActor(http), outcome, body?.Comment,
                http.RequestAborted));
        })
        .Produces<DecisionResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithName("DecideReleaseAsCustomerApprover")
        .WithSummary("One of the host's approvers approves or rejects a production release waiting for the customer's approval; a comment is required.")
        .WithDescription("A production release of a host whose order names approver e-mails needs one approval from them (a user of this customer " +
                         "whose verified e-mail is one of the approver e-mails) and the operators' approvals, in either order: the one that " +
                         "completes them is sent to AWS. A rejection is sent at once. 403 when you are not an approver of the host, you pushed " +
                         "the commit (by GitLab user id) or have no verified GitLab identity; 409 when you or another approver already decided, " +
                         "the release needs no customer approval, or the approval is no longer current.");

        hosts.MapPost("/{name}/webhook-token", async Task<Results<Ok<WebhookToken>, ProblemHttpResult>> (
            string name, HttpContext http, HostOrders orders, IPortalAddress portal) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            var token = await orders.RegenerateWebhookTokenAsync(http.User.ToActor(http), customerId, name, http.RequestAborted);
            return token is null
                ? HostNotFound(name)
                : TypedResults.Ok(new WebhookToken(token, HostWebhook.Url(portal.BaseUrl.ToString())));
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("RegenerateWebhookToken")
        .WithSummary("Replaces the host's GitLab webhook token; the old one stops working at once. The new token is in this answer only.");

        hosts.MapPut("/{name}/gitlab-token", async Task<Results<Ok<HostDetails>, ValidationProblem, ProblemHttpResult>> (
            string name, GitLabTokenInput input, HttpContext http, HostGitLabSettings settings, HostQueries queries) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            var replaced = await settings.ReplaceTokenAsync(http.User.ToActor(http), customerId, name, input.Token, http.RequestAborted);
            if (replaced.Outcome == ActionOutcome.Invalid)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [HostOrderFields.GitLabToken] = [replaced.Message] },
                    title: "GitLab does not accept the token.");
            if (ActionProblems.Of(replaced, "Cannot replace the token") is { } refused) return refused;
            return await queries.GetAsync(customerId, name, cancellationToken: http.RequestAborted) is { } host ? TypedResults.Ok(host)
                : HostNotFound(name);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithName("ReplaceGitLabToken")
        .WithSummary("Replaces the host's GitLab token (checked against the host's project first); the portal then keeps the webhook in step.");

        hosts.MapHostChangeEndpoints();
        hosts.MapWebhookEndpoints();
        return api;
    }

    /// <summary>The reads of one host take it: a name means the live host, an id also picks an old one of the name.</summary>
    internal const string OldHost = "A decommissioned host's id (from the list), to read that host when a newer host has its name; " +
                                    "it must be yours and carry this name.";

    public static string HostLocation(string name) => $"/api/v1/hosts/{Uri.EscapeDataString(name)}";

    internal static Guid? CustomerOf(HttpContext http) => http.User.CustomerIdOf();

    internal static ProblemHttpResult NoCustomer() =>
        TypedResults.Problem("Your account belongs to no customer, so it has no hosts.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    internal static ProblemHttpResult HostNotFound(string name) =>
        TypedResults.Problem($"You have no host named '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Host not found");

    private static ProblemHttpResult EnvironmentNotFound(string name, string environment) =>
        TypedResults.Problem($"Host '{name}' has no environment '{environment}' (dev, staging or production, as ordered).",
            statusCode: StatusCodes.Status404NotFound, title: "Environment not found");

    private static async Task<ProblemHttpResult> NotFoundAsync(Guid customerId, string name, Guid? host, string environment, HostQueries queries,
        HttpContext http) =>
        await queries.GetAsync(customerId, name, host, http.RequestAborted) is null ? HostNotFound(name) : EnvironmentNotFound(name, environment);
}

/// <summary>The answer to an order: the host, and its webhook token this once.</summary>
public sealed record CreatedHost(HostDetails Host, string WebhookToken, string WebhookUrl);

public sealed record WebhookToken(string Token, string WebhookUrl);

/// <summary>A new GitLab token for a host; never shown again, never stored outside Secrets Manager.</summary>
public sealed record GitLabTokenInput(string? Token)
{
    public override string ToString() => "GitLabTokenInput { (hidden) }";
}

/// <summary>The one rule for paging parameters of every paged route: a page from 1 to <see cref="MaxPage"/>, a bounded size.</summary>
internal static class Paging
{
    /// <summary>Beyond this, (page - 1) × pageSize could overflow the query's OFFSET; nobody pages that far.</summary>
    public const int MaxPage = 10_000;

    public static Dictionary<string, string[]> Check(int? page, int? pageSize, int maxPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > MaxPage) errors["page"] = [$"Pages are numbered from 1 to {MaxPage}."];
        if (pageSize is < 1 || pageSize > maxPageSize) errors["pageSize"] = [$"Use a page size from 1 to {maxPageSize}."];
        return errors;
    }
}

/// <summary>A customer approver's decision: Outcome "approve" or "reject", and a comment saying why.</summary>
public sealed record CustomerDecisionRequest(string? Outcome, string? Comment)
{
    public static ApprovalOutcome? OutcomeOf(string? outcome) => outcome?.Trim().ToLowerInvariant() switch
    {
        "approve" or "approved" => ApprovalOutcome.Approved,
        "reject" or "rejected" => ApprovalOutcome.Rejected,
        _ => null,
    };
}

/// <summary>The release a redeploy or roll-back queued.</summary>
public sealed record RunAgainAnswer(Guid ReleaseId, string Message);
