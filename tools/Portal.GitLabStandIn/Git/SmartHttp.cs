using System.Globalization;
using System.Diagnostics;
using System.Text;
using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Git;

/// <summary>
/// Git over HTTP (Repositories::GitHttpController): /&lt;namespace&gt;/&lt;project&gt;.git/info/refs, git-upload-pack and
/// git-receive-pack, served by git http-backend as CGI. Credentials are HTTP Basic with a personal, project or deploy
/// token as password (any user name for access tokens, the deploy token's own user name for a deploy token). Reading
/// needs read_repository, write_repository or api and read_code; pushing needs write_repository or api and Developer.
/// The hook sees who pushed through GL_ID, as gitlab-shell passes it.
/// </summary>
public sealed class SmartHttp(StandInState state, RepositoryStore store, TimeProvider clock)
{
    private const string NotFound = "The project you were looking for could not be found or you don't have permission to view it.";
    private static readonly string[] Actions = ["info/refs", "git-upload-pack", "git-receive-pack"];

    public static bool IsGitRequest(PathString path) =>
        path.Value is { } p && Actions.Any(a => p.EndsWith("/" + a, StringComparison.Ordinal));

    public async Task HandleAsync(HttpContext http)
    {
        // A push may carry a pack of any size, as through GitLab's Workhorse.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = null;
        var path = http.Request.Path.Value!;
        var action = Actions.First(a => path.EndsWith("/" + a, StringComparison.Ordinal));
        var projectPath = path[1..^(action.Length + 1)];
        if (projectPath.EndsWith(".git", StringComparison.Ordinal)) projectPath = projectPath[..^4];
        var service = action == "info/refs" ? http.Request.Query["service"].ToString() : action;
        if (service is not ("git-upload-pack" or "git-receive-pack"))
        {
            await Text(http, 403, "Only smart HTTP (git-upload-pack, git-receive-pack) is served.");
            return;
        }
        var push = service == "git-receive-pack";
        var project = state.Read(d => d.Projects.FirstOrDefault(p => string.Equals(p.FullPath, projectPath, StringComparison.OrdinalIgnoreCase)));
        var caller = Authenticate(http.Request, project);
        if (caller is { Failed: true } || (caller is null && (project is null || push || project.Visibility != "public")))
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"GitLab\"";
            await Text(http, 401, "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect " +
                "or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, " +
                "or improperly scoped.");
            return;
        }
        if (project is null || !CanSee(caller, project))
        {
            await Text(http, 404, NotFound);
            return;
        }
        if (Refusal(caller, project, push) is { } refusal)
        {
            await Text(http, 403, refusal);
            return;
        }
        await RunBackendAsync(http, project, caller, action);
    }

    private sealed record GitCaller(UserRecord? User, IReadOnlyList<string> Scopes, DeployTokenRecord? Deploy, bool Failed);

    private GitCaller? Authenticate(HttpRequest request, ProjectRecord? project)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            return new GitCaller(null, [], null, true);
        }
        var separator = decoded.IndexOf(':');
        if (separator < 0) return new GitCaller(null, [], null, true);
        var (login, password) = (decoded[..separator], decoded[(separator + 1)..]);
        var digest = Tokens.Digest(password);
        var now = clock.GetUtcNow();
        return state.Read(d =>
        {
            if (d.AccessTokens.FirstOrDefault(t => t.Digest == digest) is { } token)
                return token.IsActive(now) && d.Users.FirstOrDefault(u => u.Id == token.UserId) is { } user
                    ? new GitCaller(user, token.Scopes, null, false)
                    : new GitCaller(null, [], null, true);
            if (d.DeployTokens.FirstOrDefault(t => t.Digest == digest) is { } deploy && deploy.IsActive(now) && deploy.Username == login &&
                (project is null || deploy.ProjectId == project.Id))
                return new GitCaller(null, deploy.Scopes, deploy, false);
            return new GitCaller(null, [], null, true);
        });
    }

    private static bool CanSee(GitCaller? caller, ProjectRecord project) =>
        caller?.Deploy is not null || ProjectAccess.CanReadProject(caller?.User, project);

    private static string? Refusal(GitCaller? caller, ProjectRecord project, bool push)
    {
        if (push)
        {
            if (caller?.Deploy is not null || caller?.User is null || !Scopes.AllowsGitWrite(caller.Scopes) || !ProjectAccess.CanPush(caller.User, project))
                return "You are not allowed to push code to this project.";
            return null;
        }
        if (caller is null) return null;
        var canRead = caller.Deploy is not null || ProjectAccess.CanReadCode(caller.User, project);
        return canRead && Scopes.AllowsGitRead(caller.Scopes) ? null : "You are not allowed to download code from this project.";
    }

    private async Task RunBackendAsync(HttpContext http, ProjectRecord project, GitCaller? caller, string action)
    {
        var repository = store.PathOf(project);
        var info = new ProcessStartInfo(Path.Combine(GitExecPath(), "git-http-backend"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var env = info.Environment;
        GitCli.Isolate(env);
        env["GIT_PROJECT_ROOT"] = Path.GetDirectoryName(repository)!;
        env["GIT_HTTP_EXPORT_ALL"] = "1";
        env["PATH_INFO"] = "/" + Path.GetFileName(repository) + "/" + action;
        env["REQUEST_METHOD"] = http.Request.Method;
        env["QUERY_STRING"] = http.Request.QueryString.Value?.TrimStart('?') ?? "";
        env["CONTENT_TYPE"] = http.Request.ContentType ?? "";
        env["REMOTE_ADDR"] = http.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        env["REMOTE_USER"] = caller?.User?.Username ?? caller?.Deploy?.Username ?? "anonymous";
        if (http.Request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding) env["HTTP_CONTENT_ENCODING"] = encoding;
        if (http.Request.Headers["Git-Protocol"].ToString() is { Length: > 0 } protocol) env["GIT_PROTOCOL"] = protocol;
        env["GL_ID"] = caller?.User is { } user ? $"user-{user.Id}" : "";
        env["GL_REPOSITORY"] = $"project-{project.Id}";
        env["GL_PROTOCOL"] = "http";

        using var process = Process.Start(info) ?? throw new InvalidOperationException("git http-backend did not start");
        var error = process.StandardError.ReadToEndAsync();
        var input = CopyRequestAsync(http, process);
        try
        {
            await ForwardResponseAsync(http, process.StandardOutput.BaseStream);
            await input;
            await process.WaitForExitAsync(http.RequestAborted);
        }
        finally
        {
            GitCli.Kill(process);
            await error;
        }
    }

    private static async Task CopyRequestAsync(HttpContext http, Process process)
    {
        try
        {
            await http.Request.Body.CopyToAsync(process.StandardInput.BaseStream, http.RequestAborted);
        }
        catch (IOException)
        {
        }
        finally
        {
            process.StandardInput.Close();
        }
    }

    /// <summary>Reads the CGI header block (Status:, Content-Type:, ...) and streams the body after it.</summary>
    private static async Task ForwardResponseAsync(HttpContext http, Stream output)
    {
        var headerBytes = new List<byte>();
        var buffer = new byte[1];
        while (await output.ReadAsync(buffer, http.RequestAborted) == 1)
        {
            headerBytes.Add(buffer[0]);
            var count = headerBytes.Count;
            if (count >= 2 && headerBytes[count - 1] == '\n' && (headerBytes[count - 2] == '\n' ||
                (count >= 4 && headerBytes[count - 2] == '\r' && headerBytes[count - 3] == '\n'))) break;
        }
        foreach (var line in Encoding.ASCII.GetString([.. headerBytes]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = line.IndexOf(':');
            if (separator <= 0) continue;
            var (name, value) = (line[..separator].Trim(), line[(separator + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase)) http.Response.StatusCode = int.Parse(value[..3], CultureInfo.InvariantCulture);
            else http.Response.Headers[name] = value;
        }
        await output.CopyToAsync(http.Response.Body, 64 * 1024, http.RequestAborted);
    }

    private static async Task Text(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(message);
    }

    private static string? execPath;

    private static string GitExecPath()
    {
        if (execPath is not null) return execPath;
        using var process = Process.Start(new ProcessStartInfo("git", "--exec-path") { RedirectStandardOutput = true })!;
        execPath = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return execPath;
    }
}
