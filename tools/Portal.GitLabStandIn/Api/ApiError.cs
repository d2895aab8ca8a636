using System.Text.Json.Nodes;

namespace Portal.GitLabStandIn.Api;

/// <summary>An answer that ends the request, shaped as GitLab's API shapes it. Thrown by helpers, written by the router.</summary>
public sealed class ApiError(int status, JsonNode? body, IReadOnlyDictionary<string, string>? headers = null, string? text = null)
    : Exception(body?.ToJsonString() ?? text)
{
    public int Status { get; } = status;
    public JsonNode? Body { get; } = body;
    public string? Text { get; } = text;
    public IReadOnlyDictionary<string, string> Headers { get; } = headers ?? new Dictionary<string, string>();

    /// <summary>render_api_error!: {"message": ...}.</summary>
    public static ApiError Render(int status, string message) => new(status, new JsonObject { ["message"] = message });

    /// <summary>not_found!(resource): {"message":"404 Project Not Found"}.</summary>
    public static ApiError NotFound(string? resource = null) =>
        Render(404, resource is null ? "404 Not Found" : $"404 {resource} Not Found");

    public static ApiError Unauthorized() => Render(401, "401 Unauthorized");

    public static ApiError Forbidden(string? reason = null) => Render(403, reason is null ? "403 Forbidden" : $"403 Forbidden - {reason}");

    /// <summary>Grape's error!(string): {"error": ...}, e.g. parameter validation or "Invalid url given".</summary>
    public static ApiError Error(int status, string error) => new(status, new JsonObject { ["error"] = error });

    /// <summary>render_validation_error!: {"message": {"attribute": ["message", ...]}}.</summary>
    public static ApiError Validation(int status, IReadOnlyDictionary<string, List<string>> errors)
    {
        var messages = new JsonObject();
        foreach (var (attribute, list) in errors) messages[attribute] = new JsonArray([.. list.Select(m => (JsonNode)m)]);
        return new ApiError(status, new JsonObject { ["message"] = messages });
    }

    /// <summary>Rack::OAuth2 bearer errors GitLab's APIGuard answers for expired, revoked or under-scoped tokens.</summary>
    public static ApiError InvalidToken(string description) => new(401,
        new JsonObject { ["error"] = "invalid_token", ["error_description"] = description },
        new Dictionary<string, string>
        {
            ["WWW-Authenticate"] = $"Bearer realm=\"Protected by OAuth 2.0\", error=\"invalid_token\", error_description=\"{description}\"",
        });

    public static ApiError InsufficientScope(IEnumerable<string> scopes) => new(403, new JsonObject
    {
        ["error"] = "insufficient_scope",
        ["error_description"] = "The request requires higher privileges than provided by the access token.",
        ["scope"] = string.Join(' ', scopes),
    });

    /// <summary>Gitlab::Middleware::HandleNullBytes: a bare 400 "Bad Request".</summary>
    public static ApiError NullByte() => new(400, null, text: "Bad Request");
}
