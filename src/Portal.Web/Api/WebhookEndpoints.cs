using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Releases.Webhooks;
using Portal.Web.Auth;
using static Portal.Web.Api.HostEndpoints;

namespace Portal.Web.Api;

/// <summary>A host's GitLab webhook as its customer manages it: the delivery log and the signing token.</summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder hosts)
    {
        hosts.MapGet("/{name}/webhook/deliveries", async Task<Results<Ok<IReadOnlyList<DeliveryLogEntry>>, ValidationProblem, ProblemHttpResult>> (
            string name, int? count, [Description(OldHost)] Guid? host, HttpContext http, WebhookDeliveryLog log) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            if (count is < 1 or > WebhookDeliveryLog.MaxCount)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["count"] = [$"Use 1 to {WebhookDeliveryLog.MaxCount}."] });
            var entries = await log.RecentAsync(customerId, name, count ?? WebhookDeliveryLog.DefaultCount, host, http.RequestAborted);
            return entries is null ? HostNotFound(name) : TypedResults.Ok(entries);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("ListWebhookDeliveries")
        .WithSummary("The host's recent GitLab deliveries, newest first: when, event, branch, the answer and why (why a push released nothing).");

        hosts.MapPost("/{name}/webhook/signing-token", async Task<Results<Ok<SigningToken>, ProblemHttpResult>> (
            string name, HttpContext http, WebhookSigningTokens tokens) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            if (!tokens.IsAvailable)
                return TypedResults.Problem("This portal has no signing key (Webhooks:SigningKey), so it cannot issue signing tokens.",
                    statusCode: StatusCodes.Status409Conflict, title: "Signing tokens unavailable");
            var token = await tokens.CreateAsync(http.User.ToActor(http), customerId, name, http.RequestAborted);
            return token is null ? HostNotFound(name) : TypedResults.Ok(new SigningToken(token));
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("CreateWebhookSigningToken")
        .WithSummary("Creates (or replaces) the host's GitLab webhook signing token; from now on deliveries must be signed with it. " +
            "The token is in this answer only: paste it into the GitLab webhook's signing token.");

        hosts.MapDelete("/{name}/webhook/signing-token", async Task<Results<NoContent, ProblemHttpResult>> (
            string name, HttpContext http, WebhookSigningTokens tokens) =>
        {
            if (CustomerOf(http) is not { } customerId) return NoCustomer();
            return await tokens.RemoveAsync(http.User.ToActor(http), customerId, name, http.RequestAborted) ? TypedResults.NoContent() : HostNotFound(name);
        })
        .ProducesProblem(StatusCodes.Status404NotFound)
        .WithName("RemoveWebhookSigningToken")
        .WithSummary("Removes the host's signing token: deliveries need no signature any more.");
        return hosts;
    }
}

/// <summary>A new GitLab webhook signing token, shown once.</summary>
public sealed record SigningToken(string Token);
