using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Auth;
using Portal.Web.People;

namespace Portal.Web.Api;

/// <summary>
/// Customers and their people. Operators manage every customer and the operators; a customer admin manages their own
/// customer's people, and another customer answers 404 like a missing one.
/// </summary>
public static class PeopleEndpoints
{
    public static RouteGroupBuilder MapPeopleEndpoints(this RouteGroupBuilder api)
    {
        MapCustomers(api);
        MapTeams(api);
        MapOperators(api);
        return api;
    }

    private static void MapCustomers(RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("Customers").RequireAuthorization(PortalRoles.Operator)
            .WithMetadata(new OperationsScopeMetadata())
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        customers.MapGet("/", (CustomerDirectory directory, HttpContext http) => directory.ListAsync(http.RequestAborted))
            .WithName("ListCustomers").WithSummary("Every customer with its quota, people and hosts (operators).");

        customers.MapPost("/", async Task<Results<Created<CustomerSummary>, ProblemHttpResult>> (
            CreateCustomerRequest request, CustomerDirectory directory, HttpContext http) =>
        {
            var (result, id) = await directory.CreateAsync(http.User.ToActor(http), request.Name, request.Slug, request.MaxHosts, http.RequestAborted);
            if (ActionProblems.Of(result, "The customer was not created") is { } problem) return problem;
            return TypedResults.Created($"/api/v1/customers/{id}", (await directory.FindAsync(id!.Value, http.RequestAborted))!);
        }).WithName("CreateCustomer").WithSummary("Creates a customer; slug is its lower-case identifier in AWS names (operators).");

        customers.MapPatch("/{customerId:guid}", async Task<Results<Ok<CustomerSummary>, ProblemHttpResult>> (
            Guid customerId, UpdateCustomerRequest request, CustomerDirectory directory, HttpContext http) =>
        {
            var result = await directory.UpdateAsync(http.User.ToActor(http), customerId,
                new CustomerChange(request.Name, request.MaxHosts, request.Suspended), http.RequestAborted);
            if (ActionProblems.Of(result, "The customer was not changed") is { } problem) return problem;
            return TypedResults.Ok((await directory.FindAsync(customerId, http.RequestAborted))!);
        }).WithName("UpdateCustomer")
        .WithSummary("Renames, sets the quota (maxHosts; 0 = the installation's default) or suspends/resumes a customer (operators).")
        .WithDescription("Suspending ends every session of the customer's people; their tokens stop working while it is suspended.");

        api.MapPost("/users/{userId:guid}/unlock", async Task<Results<Ok<ActionMessage>, ProblemHttpResult>> (
                Guid userId, TeamMembers members, HttpContext http) =>
            Answer(await members.UnlockAsync(http.User.ToActor(http), userId, http.RequestAborted), "The account was not unlocked"))
            .RequireAuthorization(PortalRoles.Operator).WithMetadata(new OperationsScopeMetadata()).WithTags("Customers")
            .WithName("UnlockUser").WithSummary("Clears an account's failed sign-ins, so its next attempt waits for nothing (operators).");
    }

    private static void MapTeams(RouteGroupBuilder api)
    {
        var team = api.MapGroup("/customers/{customerId:guid}").WithTags("Teams").RequireAuthorization(PeoplePolicies.ManagesPeople)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddEndpointFilter(async (context, next) =>
                context.HttpContext.GetRouteValue("customerId") is string raw && Guid.TryParse(raw, out var customerId)
                && PeoplePolicies.MayManage(context.HttpContext.User, customerId)
                    ? await next(context)
                    : TypedResults.Problem("There is no such customer.", statusCode: StatusCodes.Status404NotFound, title: "Not found"));

        team.MapGet("/", async Task<Results<Ok<CustomerSummary>, NotFound>> (Guid customerId, CustomerDirectory directory, HttpContext http) =>
                await directory.FindAsync(customerId, http.RequestAborted) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound())
            .WithName("GetCustomer").WithSummary("The customer (operators, and its own admins).");

        team.MapGet("/people", (Guid customerId, TeamMembers members, HttpContext http) => members.ListAsync(customerId, http.RequestAborted))
            .WithName("ListCustomerPeople").WithSummary("The customer's people and their roles, removed ones included.");

        team.MapGet("/invitations", (Guid customerId, Invitations invitations, HttpContext http) =>
                invitations.ListOpenAsync(customerId, http.RequestAborted))
            .WithName("ListCustomerInvitations").WithSummary("Invitations not yet accepted, withdrawn or expired.");

        team.MapPost("/invitations", async Task<Results<Created<InvitationSummary>, ProblemHttpResult>> (
                Guid customerId, InviteRequest request, Invitations invitations, HttpContext http) =>
            {
                if (request.Role is not (InvitedRole.CustomerAdmin or InvitedRole.CustomerMember))
                    return Invalid("role", "Invite a CustomerAdmin or a CustomerMember here; operators are invited at /api/v1/operators/invitations.");
                return Invited(await invitations.InviteAsync(http.User.ToActor(http), request.Email, request.Role.Value, customerId, http.RequestAborted));
            })
            .WithName("InviteCustomerPerson")
            .WithSummary("E-mails a single-use, expiring invitation link to join the customer as CustomerAdmin or CustomerMember.");

        team.MapDelete("/invitations/{invitationId:guid}", async Task<Results<Ok<ActionMessage>, ProblemHttpResult>> (
                Guid customerId, Guid invitationId, Invitations invitations, HttpContext http) =>
            Answer(await invitations.RevokeAsync(http.User.ToActor(http), customerId, invitationId, http.RequestAborted), "The invitation was not withdrawn"))
            .WithName("WithdrawCustomerInvitation").WithSummary("Withdraws an invitation: its link stops working.");

        team.MapDelete("/people/{userId:guid}", async Task<Results<Ok<ActionMessage>, ProblemHttpResult>> (
                Guid customerId, Guid userId, TeamMembers members, HttpContext http) =>
            Answer(await members.RemoveAsync(http.User.ToActor(http), customerId, userId, http.RequestAborted), "The person was not removed"))
            .WithName("RemoveCustomerPerson").WithSummary("Removes a person: their sessions end and their API tokens are revoked at once.");

        team.MapPost("/people/{userId:guid}/sessions/end", async Task<Results<Ok<ActionMessage>, ProblemHttpResult>> (
                Guid customerId, Guid userId, TeamMembers members, HttpContext http) =>
            Answer(await members.EndSessionsAsync(http.User.ToActor(http), customerId, userId, http.RequestAborted), "The sessions were not ended"))
            .WithName("EndCustomerPersonSessions").WithSummary("Signs a person out everywhere (their tokens stay).");
    }

    private static void MapOperators(RouteGroupBuilder api)
    {
        var operators = api.MapGroup("/operators").WithTags("Operators").RequireAuthorization(PortalRoles.Operator)
            .WithMetadata(new OperationsScopeMetadata())
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        operators.MapGet("/", (TeamMembers members, HttpContext http) => members.ListAsync(null, http.RequestAborted))
            .WithName("ListOperators").WithSummary("The operators (operators).");

        operators.MapPost("/invitations", async Task<Results<Created<InvitationSummary>, ProblemHttpResult>> (
                InviteRequest request, Invitations invitations, HttpContext http) =>
            Invited(await invitations.InviteAsync(http.User.ToActor(http), request.Email, InvitedRole.Operator, null, http.RequestAborted)))
            .WithName("InviteOperator").WithSummary("E-mails a single-use, expiring invitation link to become an operator (operators).");

        operators.MapDelete("/{userId:guid}", async Task<Results<Ok<ActionMessage>, ProblemHttpResult>> (
                Guid userId, TeamMembers members, HttpContext http) =>
            Answer(await members.RemoveAsync(http.User.ToActor(http), null, userId, http.RequestAborted), "The operator was not removed"))
            .WithName("RemoveOperator").WithSummary("Removes an operator: their sessions end and their API tokens are revoked at once.");
    }

    private static Results<Created<InvitationSummary>, ProblemHttpResult> Invited(InviteOutcome outcome) => outcome switch
    {
        InviteOutcome.Created created => TypedResults.Created((string?)null, created.Invitation),
        InviteOutcome.Refused refused => ActionProblems.Of(refused.Result, "Nobody was invited")!,
        _ => throw new InvalidOperationException(),
    };

    private static Results<Ok<ActionMessage>, ProblemHttpResult> Answer(ActionResult result, string title) =>
        ActionProblems.Of(result, title) is { } problem ? problem : TypedResults.Ok(new ActionMessage(result.Message));

    private static ProblemHttpResult Invalid(string field, string message) => ActionProblems.Of(ActionResult.Invalid(field, message), "Nobody was invited")!;
}

public sealed record CreateCustomerRequest(string? Name, string? Slug, int? MaxHosts = null);

public sealed record UpdateCustomerRequest(string? Name = null, int? MaxHosts = null, bool? Suspended = null);

public sealed record InviteRequest(string? Email, InvitedRole? Role = null);

public sealed record ActionMessage(string Message);
