using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Portal.Releases.GitLab;
using Portal.Releases.Webhooks;

namespace Portal.Web.Webhooks;

/// <summary>
/// <c>POST /hooks/gitlab</c>: GitLab's webhook. Thin on purpose: the rules live in <see cref="PushWebhookService"/>.
/// GitLab counts any answer other than 2xx (or 3xx) as a failure, never retries by itself, and disables a project hook
/// after four failures in a row (app/models/concerns/web_hooks/auto_disabling.rb), so everything that is not the
/// sender's mistake (other events, deleted or unmapped branches, environments not yet Active, a group hook's other
/// projects) answers 2xx with the reason in the body, which GitLab shows in the hook's "Recent events"; and no input
/// gets a 5xx.
/// </summary>
public static class GitLabWebhookEndpoint
{
    public const string Path = "/hooks/gitlab";

    public static IEndpointRouteBuilder MapGitLabWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync)
            .WithTags("GitLab")
            .WithSummary("GitLab webhook: records pushes and starts the environment's pipeline in the background.");
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, PushWebhookService service, GitLabWebhookOptions options)
    {
        if (http.Request.ContentLength > options.MaxBodyBytes) return TooLarge(options);
        // GitLab sends up to 25 MB; Kestrel's own limit (30 MB by default) must not be the smaller one.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = options.MaxBodyBytes + 1L;

        PushOutcome outcome;
        try
        {
            outcome = await service.ReceiveAsync(Delivery(http.Request.Headers), http.Request.Body, http.Connection.RemoteIpAddress?.ToString(),
                http.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            // Malformed framing, or the sender went away mid-body (then nobody reads this answer).
            return e.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(options) : Problem(e.StatusCode, "Unreadable request", e.Message);
        }
        return outcome switch
        {
            PushAccepted accepted => Answer(StatusCodes.Status202Accepted,
                new WebhookAnswer("accepted", accepted.Detail, accepted.DeliveryId, accepted.ReleaseId)),
            PushHeld held => Answer(StatusCodes.Status202Accepted, new WebhookAnswer("held", held.Detail, held.DeliveryId)),
            PushDuplicate duplicate => Answer(StatusCodes.Status200OK,
                new WebhookAnswer("duplicate", duplicate.Detail, duplicate.DeliveryId, duplicate.ReleaseId)),
            PushIgnored ignored => Answer(StatusCodes.Status202Accepted, new WebhookAnswer("ignored", ignored.Detail, ignored.DeliveryId)),
            PushInvalid invalid => Problem(StatusCodes.Status400BadRequest, "Invalid delivery", invalid.Detail),
            PushTooLarge tooLarge => Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", tooLarge.Detail),
            PushUnauthorized unauthorized => Problem(StatusCodes.Status401Unauthorized, "Delivery not authenticated", unauthorized.Detail),
            PushForbidden forbidden => Problem(StatusCodes.Status403Forbidden, "Wrong GitLab instance", forbidden.Detail),
            PushThrottled throttled => Throttled(http, throttled),
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
            Header(GitLabDelivery.InstanceHeader),
            Header(GitLabDelivery.WebhookIdHeader),
            Header(GitLabDelivery.WebhookTimestampHeader),
            Header(GitLabDelivery.WebhookSignatureHeader));
    }

    private static IResult TooLarge(GitLabWebhookOptions options) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large",
            $"The body is larger than {options.MaxBodyBytes / (1024 * 1024.0):0.#} MiB (GitLab sends at most 25 MB).");

    private static IResult Throttled(HttpContext http, PushThrottled throttled)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(throttled.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status429TooManyRequests, "Too many requests", throttled.Detail);
    }

    private static IResult Answer(int status, WebhookAnswer answer) => TypedResults.Json(answer, statusCode: status);

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}

/// <summary>The body of a 2xx answer: what happened to the delivery, in words GitLab shows its users.</summary>
public sealed record WebhookAnswer(string Status, string Detail, string? DeliveryId = null, Guid? ReleaseId = null);
