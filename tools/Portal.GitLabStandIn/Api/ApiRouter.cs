using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Api;

/// <summary>One GitLab REST route: method, Grape path (":id" segments, "name(.:format)" for an optional extension).</summary>
public sealed record ApiRoute(string Method, string Pattern, Func<ApiContext, Task<IResult>> Handler, IReadOnlyCollection<string>? Scopes = null)
{
    private readonly string[] segments = Pattern.Split('/');

    public Dictionary<string, string>? Match(IReadOnlyList<string> path)
    {
        if (path.Count != segments.Length) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.StartsWith(':'))
            {
                if (path[i].Length == 0) return null;
                values[segment[1..]] = path[i];
            }
            else if (segment.EndsWith("(.:format)", StringComparison.Ordinal))
            {
                var literal = segment[..^"(.:format)".Length];
                if (path[i] == literal) continue;
                if (!path[i].StartsWith(literal + ".", StringComparison.Ordinal)) return null;
                var format = path[i][(literal.Length + 1)..];
                if (!ArchiveFormats.IsMatch(format)) return null;
                values["format"] = format;
            }
            else if (segment != path[i]) return null;
        }
        return values;
    }

    /// <summary>Gitlab::PathRegex.archive_formats_regex.</summary>
    public static readonly Regex ArchiveFormats = new(@"\A(zip|tar|tar\.gz|tgz|gz|tar\.bz2|tbz|tbz2|tb2|bz2)\z", RegexOptions.CultureInvariant);
}

/// <summary>
/// Serves /api/v4 from the raw request target, so an encoded project path ("group%2Fproject") is decoded exactly once,
/// as Rails decodes it. Unknown paths answer Grape's 404, a known path with another method 405.
/// </summary>
public sealed class ApiRouter(IEnumerable<ApiRoute> routes, ApiAuthenticator authenticator, StandInState state)
{
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly List<ApiRoute> routes = [.. routes];

    public async Task HandleAsync(HttpContext http)
    {
        http.Response.Headers["X-Frame-Options"] = "SAMEORIGIN";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        IResult result;
        try
        {
            result = await DispatchAsync(http);
        }
        catch (ApiError error)
        {
            result = Write(error);
        }
        await result.ExecuteAsync(http);
    }

    private async Task<IResult> DispatchAsync(HttpContext http)
    {
        var path = RawSegments(http);
        var candidates = routes.Select(r => (Route: r, Values: r.Match(path))).Where(m => m.Values is not null).ToList();
        if (candidates.Count == 0) throw ApiError.Error(404, "404 Not Found");
        var method = HttpMethods.IsHead(http.Request.Method) ? HttpMethods.Get : http.Request.Method;
        var (route, values) = candidates.FirstOrDefault(c => string.Equals(c.Route.Method, method, StringComparison.OrdinalIgnoreCase));
        if (route is null)
        {
            http.Response.Headers.Allow = string.Join(", ", candidates.Select(c => c.Route.Method).Distinct());
            throw ApiError.Error(405, "405 Not Allowed");
        }
        var parameters = await ApiParams.ReadAsync(http.Request, values!);
        var caller = authenticator.Authenticate(http.Request);
        return await route.Handler(new ApiContext(http, parameters, caller, state, route.Scopes));
    }

    /// <summary>The path after /api/v4/, split on '/' before percent-decoding.</summary>
    private static List<string> RawSegments(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        var query = raw.IndexOf('?');
        if (query >= 0) raw = raw[..query];
        const string prefix = "/api/v4/";
        raw = raw.StartsWith(prefix, StringComparison.Ordinal) ? raw[prefix.Length..] : "";
        return [.. raw.Split('/').Select(Decode)];
    }

    private static string Decode(string segment)
    {
        try
        {
            return Uri.UnescapeDataString(segment);
        }
        catch (UriFormatException)
        {
            return segment;
        }
    }

    public static IResult JsonResult(JsonNode? body, int status = 200) =>
        Results.Text(body?.ToJsonString(Json) ?? "null", "application/json", System.Text.Encoding.UTF8, status);

    public static IResult Write(ApiError error) => new ErrorResult(error);

    private sealed class ErrorResult(ApiError error) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            foreach (var (name, value) in error.Headers) http.Response.Headers[name] = value;
            if (error.Body is null)
            {
                http.Response.StatusCode = error.Status;
                await http.Response.WriteAsync(error.Text ?? "");
                return;
            }
            await JsonResult(error.Body, error.Status).ExecuteAsync(http);
        }
    }
}
