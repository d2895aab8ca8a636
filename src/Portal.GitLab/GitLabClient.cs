using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.GitLab;

/// <summary>
/// The GitLab REST API calls the portal makes (docs.gitlab.com/api: Personal access tokens, Projects, Repositories,
/// Commits, Project webhooks, Users), authenticated with the host's token in the PRIVATE-TOKEN header. One attempt per call:
/// callers decide when to try again (<see cref="GitLabException.Retryable"/>). Tokens never appear in messages or logs.
/// </summary>
public sealed class GitLabClient(IHttpClientFactory httpClients, GitLabOptions options)
{
    public const string HttpClientName = "Portal.GitLab";
    private const int MaxErrorBodyChars = 4000;
    private const int MaxPerPage = 100;

    public async Task<GitLabToken> TokenAsync(string token, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync(token, "personal_access_tokens/self", "reading the token", cancellationToken);
        var expires = Str(json, "expires_at");
        return new GitLabToken(Long(json, "id") ?? 0, Str(json, "name") ?? "", Strings(json, "scopes"), Bool(json, "active") ?? false,
            expires is null ? null : DateOnly.Parse(expires, CultureInfo.InvariantCulture));
    }

    /// <summary>GET /user (docs.gitlab.com/api/users, "current user"): who the token belongs to, by GitLab's numeric id.</summary>
    public async Task<GitLabUser> CurrentUserAsync(string token, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync(token, "user", "reading the token's user", cancellationToken);
        return new GitLabUser(Long(json, "id") ?? throw Unreadable("user", "id"), Str(json, "username") ?? throw Unreadable("user", "username"),
            Str(json, "state") ?? "active", Bool(json, "bot") ?? false);
    }

    /// <param name="project">The numeric id, or the path with namespace.</param>
    public async Task<GitLabProjectInfo> ProjectAsync(string token, string project, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync(token, $"projects/{Uri.EscapeDataString(project)}", $"reading project {project}", cancellationToken);
        var permissions = json["permissions"];
        var level = Math.Max(LevelOf(permissions?["project_access"]), LevelOf(permissions?["group_access"]));
        return new GitLabProjectInfo(Long(json, "id") ?? 0, Str(json, "path_with_namespace") ?? project, Str(json, "default_branch"),
            Str(json, "http_url_to_repo") ?? "", Bool(json, "empty_repo") ?? false, level > 0 ? level : null);
    }

    /// <summary>The commit a branch, tag or sha names.</summary>
    public async Task<string> CommitIdAsync(string token, long projectId, string reference, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync(token, $"projects/{projectId}/repository/commits/{Uri.EscapeDataString(reference)}?stats=false",
            $"reading commit {reference}", cancellationToken);
        return Str(json, "id") ?? throw Unreadable("commit", "id");
    }

    public async Task<GitLabComparison> CompareAsync(string token, long projectId, string from, string to, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync(token,
            $"projects/{projectId}/repository/compare?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}",
            $"comparing {Short(from)}..{Short(to)}", cancellationToken);
        var diffs = (json["diffs"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(d => new GitLabDiffPath(Str(d, "old_path") ?? "", Str(d, "new_path") ?? "")).ToList();
        return new GitLabComparison(diffs, Bool(json, "compare_timeout") ?? false);
    }

    /// <summary>
    /// Streams the zip archive of <paramref name="sha"/> (only <paramref name="path"/> when given) to a file under
    /// <see cref="GitLabOptions.WorkDirectory"/>, never holding it in memory, and stops at <see cref="GitLabOptions.MaxArchiveBytes"/>.
    /// </summary>
    public async Task<TempFile> DownloadArchiveAsync(string token, long projectId, string sha, string? path, CancellationToken cancellationToken)
    {
        var query = $"sha={Uri.EscapeDataString(sha)}" + (path is null ? "" : $"&path={Uri.EscapeDataString(path)}");
        var what = $"downloading the archive of {Short(sha)}" + (path is null ? "" : $" ({path})");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ArchiveTimeout);
        using var request = Request(HttpMethod.Get, token, $"projects/{projectId}/repository/archive.zip?{query}");
        var file = TempFile.Create(options.WorkDirectory, ".zip");
        try
        {
            using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, what, timeout.Token, cancellationToken);
            await EnsureSuccessAsync(response, what, timeout.Token);
            if (response.Content.Headers.ContentLength > options.MaxArchiveBytes) throw TooLarge(response.Content.Headers.ContentLength.Value);
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            await using (var output = file.OpenWrite())
                await CopyLimitedAsync(body, output, what, timeout.Token, cancellationToken);
            file.Refresh();
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Every hook of the project, following GitLab's pagination (X-Next-Page) a hundred at a time.</summary>
    public async Task<IReadOnlyList<GitLabHook>> HooksAsync(string token, long projectId, CancellationToken cancellationToken)
    {
        var hooks = new List<GitLabHook>();
        string? page = "1";
        while (page is { Length: > 0 })
        {
            using var request = Request(HttpMethod.Get, token, $"projects/{projectId}/hooks?per_page={MaxPerPage}&page={page}");
            using var timeout = Timeout(cancellationToken);
            using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, "listing the project's hooks", timeout.Token, cancellationToken);
            await EnsureSuccessAsync(response, "listing the project's hooks", timeout.Token);
            var list = JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token)) as JsonArray ?? throw Unreadable("hooks", "list");
            hooks.AddRange(list.OfType<JsonObject>().Select(ReadHook));
            page = response.Headers.TryGetValues("X-Next-Page", out var next) ? next.FirstOrDefault() : null;
        }
        return hooks;
    }

    public async Task<GitLabHook> CreateHookAsync(string token, long projectId, PortalHookSettings settings, CancellationToken cancellationToken) =>
        ReadHook(await SendJsonAsync(token, HttpMethod.Post, $"projects/{projectId}/hooks", HookBody(settings), "adding the portal's webhook", cancellationToken));

    public async Task<GitLabHook> UpdateHookAsync(string token, long projectId, long hookId, PortalHookSettings settings, CancellationToken cancellationToken) =>
        ReadHook(await SendJsonAsync(token, HttpMethod.Put, $"projects/{projectId}/hooks/{hookId}", HookBody(settings), "updating the portal's webhook",
            cancellationToken));

    public async Task DeleteHookAsync(string token, long projectId, long hookId, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Delete, token, $"projects/{projectId}/hooks/{hookId}");
        using var timeout = Timeout(cancellationToken);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, "removing the portal's webhook", timeout.Token, cancellationToken);
        await EnsureSuccessAsync(response, "removing the portal's webhook", timeout.Token);
    }

    public async Task SetCommitStatusAsync(string token, long projectId, GitLabCommitStatus status, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["state"] = status.State, ["name"] = status.Name };
        if (status.Ref is not null) body["ref"] = status.Ref;
        if (status.TargetUrl is not null) body["target_url"] = status.TargetUrl;
        if (status.Description is not null) body["description"] = status.Description;
        await SendJsonAsync(token, HttpMethod.Post, $"projects/{projectId}/statuses/{Uri.EscapeDataString(status.Sha)}", body,
            $"setting the {status.State} status of {Short(status.Sha)}", cancellationToken);
    }

    private static JsonObject HookBody(PortalHookSettings settings) => new()
    {
        ["url"] = settings.Url,
        ["token"] = settings.SecretToken,
        ["name"] = PortalHookSettings.Name,
        ["description"] = settings.Description,
        ["push_events"] = true,
        ["tag_push_events"] = false,
        ["merge_requests_events"] = false,
        ["enable_ssl_verification"] = true,
        ["push_events_branch_filter"] = settings.BranchFilter,
        ["branch_filter_strategy"] = PortalHookSettings.RegexStrategy,
    };

    private static GitLabHook ReadHook(JsonObject json) => new(Long(json, "id") ?? 0, Str(json, "url") ?? "", Str(json, "description"), Bool(json, "push_events") ?? false,
        Str(json, "push_events_branch_filter"), Str(json, "branch_filter_strategy"), Bool(json, "enable_ssl_verification") ?? false, Str(json, "alert_status"));

    private async Task<JsonObject> GetJsonAsync(string token, string path, string what, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, token, path);
        return await ReadObjectAsync(request, what, cancellationToken);
    }

    private async Task<JsonObject> SendJsonAsync(string token, HttpMethod method, string path, JsonObject body, string what, CancellationToken cancellationToken)
    {
        using var request = Request(method, token, path);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return await ReadObjectAsync(request, what, cancellationToken);
    }

    private async Task<JsonObject> ReadObjectAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, what, timeout.Token, cancellationToken);
        await EnsureSuccessAsync(response, what, timeout.Token);
        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token)) as JsonObject ?? throw Unreadable(what, "object");
        }
        catch (JsonException e)
        {
            throw new GitLabUnavailableException((int)response.StatusCode, $"GitLab's answer to {what} is not JSON: {e.Message}", e);
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string token, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(options.BaseUrl, "api/v4/" + path));
        request.Headers.TryAddWithoutValidation("PRIVATE-TOKEN", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        return timeout;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, string what,
        CancellationToken timeout, CancellationToken caller)
    {
        try
        {
            return await httpClients.CreateClient(HttpClientName).SendAsync(request, completion, timeout);
        }
        catch (OperationCanceledException e) when (!caller.IsCancellationRequested)
        {
            throw new GitLabUnavailableException(0, $"GitLab did not answer {what} in time.", e);
        }
        catch (HttpRequestException e)
        {
            throw new GitLabUnavailableException(0, $"GitLab could not be reached {what}: {e.Message}", e);
        }
    }

    private async Task CopyLimitedAsync(Stream body, Stream output, string what, CancellationToken timeout, CancellationToken caller)
    {
        var buffer = new byte[81920];
        long total = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, timeout)) > 0)
            {
                total += read;
                if (total > options.MaxArchiveBytes) throw TooLarge(null);
                await output.WriteAsync(buffer.AsMemory(0, read), timeout);
            }
        }
        catch (OperationCanceledException e) when (!caller.IsCancellationRequested)
        {
            throw new GitLabUnavailableException(0, $"GitLab did not finish {what} within {options.ArchiveTimeout.TotalSeconds:0} s.", e);
        }
        catch (IOException e)
        {
            throw new GitLabUnavailableException(0, $"The connection to GitLab broke while {what}: {e.Message}", e);
        }
    }

    private SourceTooLargeException TooLarge(long? size) => new(
        $"The commit's archive is {(size is { } known ? $"{Mebibytes(known)} MiB" : "larger than allowed")}; the portal takes archives of up to " +
        $"{Mebibytes(options.MaxArchiveBytes)} MiB. Keep large files out of the repository (Git LFS objects are not included).");

    private static string Mebibytes(long bytes) => (bytes / 1024d / 1024d).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>GitLab's status codes as types; the message carries GitLab's own words ({"message"} or {"error"}).</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            text = "";
        }
        var said = GitLabSaid(text);
        var message = $"GitLab answered {status} to {what}" + (said is null ? "." : $": {said}");
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new GitLabUnauthorizedException(said, message),
            HttpStatusCode.Forbidden => new GitLabForbiddenException(said, message),
            HttpStatusCode.NotFound => new GitLabNotFoundException(said, message),
            HttpStatusCode.TooManyRequests => new GitLabUnavailableException(status, message),
            _ when status >= 500 => new GitLabUnavailableException(status, message),
            _ => new GitLabRefusedException(status, said, message),
        };
    }

    private static string? GitLabSaid(string body)
    {
        if (body.Length == 0) return null;
        try
        {
            if (JsonNode.Parse(body) is JsonObject json)
            {
                var said = json["message"] ?? json["error_description"] ?? json["error"];
                return said switch
                {
                    JsonValue value when value.TryGetValue<string>(out var text) => text,
                    JsonObject fields => string.Join("; ", fields.Select(f => $"{f.Key} {string.Join(", ", (f.Value as JsonArray ?? []).Select(m => m?.ToString()))}")),
                    null => null,
                    _ => said.ToJsonString(),
                };
            }
        }
        catch (JsonException)
        {
        }
        return body.Length <= MaxErrorBodyChars ? body.Trim() : body[..MaxErrorBodyChars];
    }

    private static GitLabUnavailableException Unreadable(string what, string member) => new(200, $"GitLab's answer to {what} has no {member}.");

    private static int LevelOf(JsonNode? access) => access?["access_level"] is JsonValue v && v.TryGetValue<int>(out var level) ? level : 0;

    private static string? Str(JsonObject json, string name) => json[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long? Long(JsonObject json, string name) => json[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    private static bool? Bool(JsonObject json, string name) => json[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static List<string> Strings(JsonObject json, string name) =>
        (json[name] as JsonArray ?? []).Select(s => s?.ToString()).OfType<string>().ToList();

    private static string Short(string sha) => sha.Length > 12 && sha.All(char.IsAsciiHexDigit) ? sha[..12] : sha;
}
