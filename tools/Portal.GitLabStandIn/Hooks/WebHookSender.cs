using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.GitLabStandIn.Api;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Hooks;

/// <summary>The outcome of one delivery attempt: the receiver's status code, or why nothing was sent or answered.</summary>
public sealed record DeliveryResult(bool Success, int? HttpStatus, string Message);

/// <summary>
/// WebHookService#execute: one POST with GitLab's headers (a new X-Gitlab-Webhook-UUID and X-Gitlab-Event-UUID each time,
/// the Idempotency-Key of the event), the 10 s timeout, no redirects followed and no retries; then the web_hook_logs row
/// (token and custom header values redacted, response body cut to 8 KB) and the auto-disabling bookkeeping.
/// </summary>
public sealed class WebHookSender(StandInState state, StandInUrls urls, IOptions<StandInOptions> options, TimeProvider clock)
{
    public const int RequestBodySizeLimit = 25 * 1024 * 1024;
    private const int ResponseBodySizeLimit = 8 * 1024;
    private const int ResponseHeadersCountLimit = 50;
    private const int ResponseHeadersSizeLimit = 1024;
    private readonly HttpClient verifying = NewClient(verify: true);
    private readonly HttpClient notVerifying = NewClient(verify: false);

    private static HttpClient NewClient(bool verify)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false };
        // A hook saved with enable_ssl_verification: false is delivered without checking the certificate, as GitLab does.
#pragma warning disable CA5359
        if (!verify) handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>hook_to_event: push_hooks → "Push Hook", tag_push_hooks → "Tag Push Hook".</summary>
    public static string EventHeader(string trigger)
    {
        var words = trigger.Split('_');
        words[^1] = words[^1].TrimEnd('s');
        return string.Join(' ', words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }

    public bool AutoDisabling => options.Value.AutoDisablingWebHooks;

    /// <param name="force">A test from the API or the UI: sent even when the hook is disabled.</param>
    public async Task<DeliveryResult> ExecuteAsync(long hookId, string trigger, JsonObject data, string? idempotencyKey, bool force,
        CancellationToken cancellationToken = default)
    {
        var hook = state.Read(d => d.Hooks.FirstOrDefault(h => h.Id == hookId) is { } h ? h.Clone() : null);
        if (hook is null) return new DeliveryResult(false, null, "Hook not found");
        if (!force && !HookHealth.Executable(hook, clock.GetUtcNow(), AutoDisabling)) return new DeliveryResult(false, null, "Hook disabled");

        var body = data.ToJsonString(ApiRouter.Json);
        var headers = BuildHeaders(hook, trigger, idempotencyKey ?? Guid.NewGuid().ToString());
        var logged = new Dictionary<string, string>(hook.CustomHeaders.ToDictionary(h => h.Key, _ => "[REDACTED]"));
        foreach (var (name, value) in headers) logged[name] = name == "X-Gitlab-Token" ? "[REDACTED]" : value;

        var started = Stopwatch.GetTimestamp();
        var log = new HookLogRecord { HookId = hook.Id, Url = hook.Url, Trigger = trigger, RequestHeaders = logged, RequestData = body };
        DeliveryResult result;
        try
        {
            if (Encoding.UTF8.GetByteCount(body) > RequestBodySizeLimit)
                throw new InvalidOperationException("JSON payload exceeds the limit of 25 MB");
            result = await PostAsync(hook, body, headers, log, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or UriFormatException)
        {
            var message = e is TaskCanceledException && !cancellationToken.IsCancellationRequested
                ? $"Net::ReadTimeout: no answer within {options.Value.WebhookTimeout.TotalSeconds:0} s"
                : e.Message;
            log.ResponseStatus = "internal error";
            log.InternalErrorMessage = message;
            result = new DeliveryResult(false, null, message);
        }
        log.ExecutionDuration = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 6);
        Record(log, hook.Id, ok: result.HttpStatus is >= 200 and < 400);
        return result;
    }

    private async Task<DeliveryResult> PostAsync(HookRecord hook, string body, Dictionary<string, string> headers, HookLogRecord log,
        CancellationToken cancellationToken)
    {
        var target = new Uri(hook.Url);
        if (UrlBlocker.Check(hook.Url, options.Value.AllowLocalRequestsFromWebHooksAndServices) is { } blocked)
            throw new InvalidOperationException($"URL is blocked: {blocked}");
        using var request = new HttpRequestMessage(HttpMethod.Post, WithoutUserInfo(target))
        {
            Content = new StringContent(body, new UTF8Encoding(false)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in hook.CustomHeaders.Concat(headers).Where(h => h.Key != "Content-Type"))
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (target.UserInfo.Length > 0)
        {
            var parts = target.UserInfo.Split(':', 2);
            var credentials = $"{Uri.UnescapeDataString(parts[0])}:{(parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "")}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.WebhookTimeout);
        var client = hook.EnableSslVerification ? verifying : notVerifying;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var responseBody = await ReadLimitedAsync(response, timeout.Token);
        var status = (int)response.StatusCode;
        log.ResponseStatus = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        log.ResponseBody = Utf8Prefix(responseBody, ResponseBodySizeLimit);
        log.ResponseHeaders = response.Headers.Concat(response.Content.Headers)
            .Take(ResponseHeadersCountLimit)
            .ToDictionary(h => Capitalize(h.Key), h => Utf8Prefix(string.Join(", ", h.Value), ResponseHeadersSizeLimit));
        return new DeliveryResult(status is >= 200 and < 300, status, responseBody);
    }

    private Dictionary<string, string> BuildHeaders(HookRecord hook, string trigger, string idempotencyKey)
    {
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json",
            ["User-Agent"] = $"GitLab/{options.Value.Version}",
            ["Idempotency-Key"] = idempotencyKey,
            ["X-Gitlab-Event"] = EventHeader(trigger),
            ["X-Gitlab-Webhook-UUID"] = Guid.NewGuid().ToString(),
            ["X-Gitlab-Instance"] = urls.Base,
        };
        if (!string.IsNullOrEmpty(hook.Token)) headers["X-Gitlab-Token"] = hook.Token.Replace("\r", "").Replace("\n", "");
        headers["X-Gitlab-Event-UUID"] = Guid.NewGuid().ToString();
        return headers;
    }

    private void Record(HookLogRecord log, long hookId, bool ok)
    {
        var now = clock.GetUtcNow();
        state.Write(d =>
        {
            log.Id = StandInState.NextId(d, "web_hook_logs");
            log.CreatedAt = now;
            d.HookLogs.Add(log);
            var logs = d.HookLogs.Where(l => l.HookId == hookId).ToList();
            foreach (var old in logs.Take(Math.Max(0, logs.Count - options.Value.MaxHookLogsPerHook))) d.HookLogs.Remove(old);
            if (!AutoDisabling || d.Hooks.FirstOrDefault(h => h.Id == hookId) is not { } hook) return;
            if (ok) HookHealth.Enable(hook);
            else HookHealth.Backoff(hook, now);
        });
    }

    private static async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[64 * 1024];
        var kept = new MemoryStream();
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            if (kept.Length < 1024 * 1024) kept.Write(buffer, 0, read);
        return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
    }

    private static string Utf8Prefix(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
        var bytes = Encoding.UTF8.GetBytes(text);
        var length = maxBytes;
        while (length > 0 && (bytes[length] & 0xC0) == 0x80) length--;
        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    /// <summary>Net::HTTPHeader#each_capitalized: content-type → Content-Type.</summary>
    private static string Capitalize(string name) =>
        string.Join('-', name.Split('-').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));

    private static Uri WithoutUserInfo(Uri uri) => uri.UserInfo.Length == 0 ? uri : new UriBuilder(uri) { UserName = "", Password = "" }.Uri;

}
