using Portal.Provisioning.GitLab;
using Portal.Provisioning.Webhooks;

namespace Portal.Web.Webhooks;

/// <summary>
/// <c>POST /hooks/gitlab</c>: GitLab's push webhook. Thin on purpose: the rules live in <see cref="PushWebhookService"/>.
/// GitLab counts any answer other than 2xx as a failure and disables webhooks that keep failing, so everything that is
/// not the sender's mistake (other events, deleted or unmapped branches, environments not yet Active) answers 2xx with
/// the reason in the body, which GitLab shows in the webhook's log.
/// </summary>
public static class GitLabWebhookEndpoint
{
    public const string Path = "/hooks/gitlab";

    public static IEndpointRouteBuilder MapGitLabWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync)
            .RequireRateLimiting(GitLabWebhookRateLimitPolicy.Name)
            .WithTags("GitLab")
            .WithSummary("GitLab push webhook: records the push and starts the environment's pipeline in the background.");
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, PushWebhookService service, GitLabWebhookOptions options)
    {
        byte[]? body;
        try
        {
            body = await BoundedBody.ReadAsync(http.Request, options.MaxBodyBytes, http.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            // Malformed framing, or the sender went away mid-body (then nobody reads this answer).
            return Problem(e.StatusCode, "Unreadable request", e.Message);
        }
        if (body is null)
            return Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large",
                $"The body is larger than {options.MaxBodyBytes / (1024 * 1024.0):0.#} MiB.");

        var outcome = await service.ReceiveAsync(Delivery(http.Request.Headers), body, http.Connection.RemoteIpAddress?.ToString(),
            http.RequestAborted);
        return outcome switch
        {
            PushAccepted accepted => Answer(StatusCodes.Status202Accepted,
                new WebhookAnswer("accepted", accepted.Detail, accepted.DeliveryId, accepted.ReleaseId)),
            PushDuplicate duplicate => Answer(StatusCodes.Status200OK,
                new WebhookAnswer("duplicate", duplicate.Detail, duplicate.DeliveryId, duplicate.ReleaseId)),
            PushIgnored ignored => Answer(StatusCodes.Status202Accepted, new WebhookAnswer("ignored", ignored.Detail)),
            PushInvalid invalid => Problem(StatusCodes.Status400BadRequest, "Invalid delivery", invalid.Detail),
            PushUnauthorized unauthorized => Problem(StatusCodes.Status401Unauthorized, "Wrong or missing secret token", unauthorized.Detail),
            PushUnknownProject unknown => Problem(StatusCodes.Status404NotFound, "Unknown project", unknown.Detail),
            _ => throw new InvalidOperationException($"Unhandled outcome {outcome.GetType().Name}."),
        };
    }

    private static GitLabDelivery Delivery(IHeaderDictionary headers)
    {
        string? Header(string name) => headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;
        return new GitLabDelivery(
            Header(GitLabDelivery.EventHeader),
            Header(GitLabDelivery.TokenHeader),
            Header(GitLabDelivery.IdempotencyKeyHeader),
            Header(GitLabDelivery.EventUuidHeader),
            Header(GitLabDelivery.WebhookUuidHeader),
            Header(GitLabDelivery.InstanceHeader));
    }

    private static IResult Answer(int status, WebhookAnswer answer) => TypedResults.Json(answer, statusCode: status);

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}

/// <summary>The body of a 2xx answer: what happened to the delivery, in words GitLab shows its users.</summary>
public sealed record WebhookAnswer(string Status, string Detail, string? DeliveryId = null, Guid? ReleaseId = null);
