using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Api;

/// <summary>
/// One API request: its parameters, the caller, and the project it names. Mirrors the order GitLab's helpers work in:
/// the token is looked up first (401s), the route's scopes are checked the first time the user is needed, and
/// find_project! answers 404 Project Not Found for a project that does not exist or that the caller cannot see.
/// </summary>
public sealed class ApiContext(HttpContext http, ApiParams parameters, ApiCaller caller, StandInState state, IReadOnlyCollection<string>? routeScopes)
{
    private bool scopesChecked;
    private ProjectRecord? project;

    public HttpContext Http { get; } = http;
    public ApiParams Params { get; } = parameters;
    public StandInState State { get; } = state;

    /// <summary>current_user: checks the token's scopes against the route's before returning the user.</summary>
    public UserRecord? CurrentUser
    {
        get
        {
            if (!scopesChecked)
            {
                ApiAuthenticator.RequireScopes(caller, Http.Request, routeScopes);
                scopesChecked = true;
            }
            return caller.User;
        }
    }

    public AccessTokenRecord? Token => caller.Token;

    /// <summary>authenticate!</summary>
    public UserRecord Authenticate() => CurrentUser ?? throw ApiError.Unauthorized();

    /// <summary>user_project / find_project!: numeric id or full path (URL-encoded in the route).</summary>
    public ProjectRecord UserProject
    {
        get
        {
            if (project is not null) return project;
            var id = Params.Text("id") ?? "";
            var found = State.Read(d => FindProject(d, id));
            if (found is null) throw ApiError.NotFound("Project");
            if (!ProjectAccess.CanReadProject(CurrentUser, found)) throw ApiError.NotFound("Project");
            return project = found;
        }
    }

    public static ProjectRecord? FindProject(StateData d, string id)
    {
        if (id.Length > 0 && id.TrimStart('-').All(char.IsAsciiDigit))
            return long.TryParse(id, out var number) ? d.Projects.FirstOrDefault(p => p.Id == number) : null;
        return id.Contains('/') ? d.Projects.FirstOrDefault(p => string.Equals(p.FullPath, id, StringComparison.OrdinalIgnoreCase)) : null;
    }

    /// <summary>authorize!(ability, user_project): 403 Forbidden when the caller sees the project but may not do this.</summary>
    public void Authorize(Func<UserRecord?, ProjectRecord, bool> ability)
    {
        var target = UserProject;
        if (!ability(CurrentUser, target)) throw ApiError.Forbidden();
    }
}
