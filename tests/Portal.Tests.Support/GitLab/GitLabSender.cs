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

    /// <summary>
    /// Signs the delivery as a GitLab webhook with a signing token does (Standard Webhooks): webhook-id is its
    /// Idempotency-Key, webhook-timestamp the send time, webhook-signature "v1," + base64 HMAC-SHA256 of "id.timestamp.body".
    /// </summary>
    /// <summary>The delivery as the GitLab at <paramref name="instance"/> sends it (X-Gitlab-Instance is its base URL).</summary>
    public static HttpRequestMessage From(this HttpRequestMessage request, Uri instance)
    {
        request.Headers.Remove("X-Gitlab-Instance");
        request.Headers.Add("X-Gitlab-Instance", instance.GetLeftPart(UriPartial.Authority));
        return request;
    }

    public static HttpRequestMessage Signed(this HttpRequestMessage request, string signingToken, DateTimeOffset sentAt)
    {
        var id = request.Headers.GetValues("Idempotency-Key").Single();
        var timestamp = sentAt.ToUnixTimeSeconds();
        var body = request.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var key = Convert.FromBase64String(signingToken["whsec_".Length..]);
        byte[] content = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        var signed = System.Security.Cryptography.HMACSHA256.HashData(key, content);
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", "v1," + Convert.ToBase64String(signed));
        return request;
    }

    /// <summary>A push delivery with fresh Idempotency-Key and X-Gitlab-Event-UUID, as GitLab 17.4+ sends it.</summary>
    public static HttpRequestMessage Push(string body, string? token) =>
        Delivery(body, token, Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
}
