using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Auth;

/// <summary>
/// The project abilities the routes check (ProjectPolicy, doc/user/permissions.md): Guests see a project, Reporters
/// read its code in a private project, Developers push and post commit statuses, Maintainers manage webhooks.
/// Administrators can do everything.
/// </summary>
public static class ProjectAccess
{
    public static int LevelOf(UserRecord? user, ProjectRecord project)
    {
        if (user is null) return 0;
        if (user.Admin) return AccessLevel.Owner;
        return project.Members.FirstOrDefault(m => m.UserId == user.Id)?.AccessLevel ?? 0;
    }

    public static bool CanReadProject(UserRecord? user, ProjectRecord project) => project.Visibility switch
    {
        "public" => true,
        "internal" => user is not null && (!user.Bot || LevelOf(user, project) > 0),
        _ => LevelOf(user, project) >= AccessLevel.Guest,
    };

    public static bool CanReadCode(UserRecord? user, ProjectRecord project) =>
        CanReadProject(user, project) && (project.Visibility != "private" || LevelOf(user, project) >= AccessLevel.Reporter);

    public static bool CanReadCommitStatus(UserRecord? user, ProjectRecord project) => CanReadCode(user, project);

    public static bool CanCreateCommitStatus(UserRecord? user, ProjectRecord project) => LevelOf(user, project) >= AccessLevel.Developer;

    public static bool CanPush(UserRecord? user, ProjectRecord project) => LevelOf(user, project) >= AccessLevel.Developer;

    public static bool CanAdminWebHooks(UserRecord? user, ProjectRecord project) => LevelOf(user, project) >= AccessLevel.Maintainer;
}
