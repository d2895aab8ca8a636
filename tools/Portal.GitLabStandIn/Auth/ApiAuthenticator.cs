using Portal.GitLabStandIn.Api;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Auth;

/// <summary>Who called the API: nobody, or a user through an access token.</summary>
public sealed record ApiCaller(UserRecord? User, AccessTokenRecord? Token)
{
    public static readonly ApiCaller Anonymous = new(null, null);
}

/// <summary>
/// Finds the caller as GitLab's AuthFinders do for API routes: the private_token parameter, the PRIVATE-TOKEN header,
/// or an OAuth-style bearer token (Authorization: Bearer, access_token), each looked up as a personal or project access
/// token. An unknown token (a deploy token included: the REST routes here do not take them) is 401 {"message":"401
/// Unauthorized"}; an expired or revoked one is Rack::OAuth2's invalid_token. Scopes are checked separately
/// (<see cref="RequireScopes"/>), when the route first needs the user.
/// </summary>
public sealed class ApiAuthenticator(StandInState state, TimeProvider clock)
{
    public ApiCaller Authenticate(HttpRequest request)
    {
        var token = ExtractToken(request);
        if (token is null) return ApiCaller.Anonymous;
        var digest = Tokens.Digest(token);
        var now = clock.GetUtcNow();
        var (record, user) = state.Read(d =>
        {
            var found = d.AccessTokens.FirstOrDefault(t => t.Digest == digest);
            return (found, found is null ? null : d.Users.FirstOrDefault(u => u.Id == found.UserId));
        });
        if (record is null || user is null) throw ApiError.Unauthorized();
        if (record.IsExpired(now)) throw ApiError.InvalidToken("Token is expired. You can either do re-authorization or token refresh.");
        if (record.Revoked) throw ApiError.InvalidToken("Token was revoked. You have to re-authorize from the user.");
        state.Write(_ => record.LastUsedAt = now);
        return new ApiCaller(user, record);
    }

    /// <summary>API::API allows api for every route and read_api for GET and HEAD; a route may allow more.</summary>
    public static void RequireScopes(ApiCaller caller, HttpRequest request, IReadOnlyCollection<string>? routeScopes = null)
    {
        if (caller.Token is null) return;
        var registered = new List<string> { Scopes.Api, Scopes.ReadApi };
        if (routeScopes is not null) registered.AddRange(routeScopes.Where(s => !registered.Contains(s)));
        var allowed = registered.Where(s => s != Scopes.ReadApi || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));
        if (!allowed.Intersect(caller.Token.Scopes).Any()) throw ApiError.InsufficientScope(registered);
    }

    private static string? ExtractToken(HttpRequest request)
    {
        var fromParam = request.Query["private_token"].ToString();
        if (fromParam.Length > 0) return fromParam;
        var fromHeader = request.Headers["PRIVATE-TOKEN"].ToString();
        if (fromHeader.Length > 0) return fromHeader;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var bearer = authorization["Bearer ".Length..].Trim();
            if (bearer.Length > 0) return bearer;
        }
        var accessToken = request.Query["access_token"].ToString();
        return accessToken.Length > 0 ? accessToken : null;
    }
}
