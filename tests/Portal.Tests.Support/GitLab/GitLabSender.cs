using System.Net.Http.Headers;
using System.Text;

namespace Portal.Tests.Support.GitLab;

/// <summary>Builds webhook requests with the headers GitLab's WebHookService sends (GitLab docs: "Webhooks", delivery headers).</summary>
public static class GitLabSender
{
    public const string Path = "/hooks/gitlab";
    public const string Instance = "https://gitlab.example.com";
    public const string PushHook = "Push Hook";

    /// <summary>
    /// One delivery. A null header is left out; X-Gitlab-Webhook-UUID is new on every request, as GitLab makes it.
    /// </summary>
    public static HttpRequestMessage Delivery(string body, string? token, string? idempotencyKey, string? eventUuid,
        string gitlabEvent = PushHook)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("GitLab", "17.6.0"));
        request.Headers.Add("X-Gitlab-Event", gitlabEvent);
        request.Headers.Add("X-Gitlab-Instance", Instance);
        request.Headers.Add("X-Gitlab-Webhook-UUID", Guid.NewGuid().ToString());
        if (token is not null) request.Headers.Add("X-Gitlab-Token", token);
        if (eventUuid is not null) request.Headers.Add("X-Gitlab-Event-UUID", eventUuid);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    /// <summary>A push delivery with fresh Idempotency-Key and X-Gitlab-Event-UUID, as GitLab 17.4+ sends it.</summary>
    public static HttpRequestMessage Push(string body, string? token) =>
        Delivery(body, token, Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
}
