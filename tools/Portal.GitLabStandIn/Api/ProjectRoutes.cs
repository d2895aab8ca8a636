using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.Git;

namespace Portal.GitLabStandIn.Api;

/// <summary>
/// GET /projects/:id (lib/api/projects.rb), GET /personal_access_tokens/self (personal_access_tokens/self_information.rb)
/// and GET /user (lib/api/users.rb, doc/api/users.md "current user": the token's owner, with read_user, read_api or api).
/// </summary>
public sealed class ProjectRoutes(RepositoryStore store, RepositoryReader reader, StandInUrls urls, TimeProvider clock)
{
    /// <summary>Any token may read itself, whatever its scopes (Gitlab::Auth.all_available_scopes).</summary>
    private static readonly IReadOnlyCollection<string> AllScopes = [.. Scopes.Personal];

    /// <summary>lib/api/users.rb: the user resource allows read_user; api and read_api include it.</summary>
    private static readonly IReadOnlyCollection<string> ReadUserScopes = [Scopes.ReadUser, Scopes.ReadApi, Scopes.Api];

    public IEnumerable<ApiRoute> Routes =>
    [
        new("GET", "projects/:id", GetProjectAsync),
        new("GET", "personal_access_tokens/self", SelfAsync, AllScopes),
        new("GET", "user", CurrentUserAsync, ReadUserScopes),
    ];

    private Task<IResult> CurrentUserAsync(ApiContext context) =>
        Task.FromResult(ApiRouter.JsonResult(Entities.CurrentUser(context.Authenticate(), urls)));

    private async Task<IResult> GetProjectAsync(ApiContext context)
    {
        var project = context.UserProject;
        var empty = await reader.IsEmptyAsync(store.PathOf(project), context.Http.RequestAborted);
        var namespaceId = context.State.Read(d => d.NamespaceIds.GetValueOrDefault(project.NamespacePath));
        var level = ProjectAccess.LevelOf(context.CurrentUser, project);
        var member = context.CurrentUser is { Admin: false } ? level : (int?)null;
        return ApiRouter.JsonResult(Entities.Project(project, namespaceId, empty, member is > 0 ? member : null, urls));
    }

    private Task<IResult> SelfAsync(ApiContext context)
    {
        context.Authenticate();
        return Task.FromResult(ApiRouter.JsonResult(Entities.PersonalAccessToken(context.Token!, clock.GetUtcNow())));
    }
}
