using System.Text.RegularExpressions;
using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.Git;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Admin;

/// <summary>A request to the stand-in's own admin API that cannot be done; answered 400 with the reason.</summary>
public sealed class AdminError(string message) : Exception(message);

public sealed record CreatedToken(long Id, string Token, long UserId);

/// <summary>
/// Creates what GitLab's UI or admin API would: users, projects with a real bare repository, memberships, tokens
/// (returned in clear once, kept as a digest) and protected branches. Used by the admin endpoints and the seed file.
/// </summary>
public sealed partial class AdminService(StandInState state, RepositoryStore store, TimeProvider clock)
{
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]
    private static partial Regex PathSegment();

    public UserRecord CreateUser(string username, string? name, string? email, string? publicEmail, bool admin = false, bool bot = false)
    {
        if (!PathSegment().IsMatch(username) || username.Length > 255) throw new AdminError($"username '{username}' is not a valid GitLab username");
        return state.Write(d =>
        {
            if (d.Users.Any(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase)))
                throw new AdminError($"username '{username}' is taken");
            var user = new UserRecord
            {
                Id = StandInState.NextId(d, "users"),
                Username = username,
                Name = name ?? username,
                Email = email ?? $"{username}@example.com",
                PublicEmail = publicEmail,
                Admin = admin,
                Bot = bot,
                CreatedAt = clock.GetUtcNow(),
            };
            d.Users.Add(user);
            return user;
        });
    }

    /// <summary>The administrator every GitLab starts with (id 1, "root"); direct pushes into a repository are attributed to it.</summary>
    public void EnsureRoot()
    {
        if (state.Read(d => d.Users.Any(u => u.Id == StandInState.RootUserId))) return;
        var root = CreateUser("root", "Administrator", "admin@example.com", null, admin: true);
        if (root.Id != StandInState.RootUserId) throw new InvalidOperationException("root must be the first user");
    }

    public async Task<ProjectRecord> CreateProjectAsync(string pathWithNamespace, string? name, string? description, string? defaultBranch,
        string? visibility, string? namespaceName, CancellationToken cancellationToken = default)
    {
        var segments = pathWithNamespace.Trim('/').Split('/');
        if (segments.Length < 2 || segments.Any(s => !PathSegment().IsMatch(s) || s.EndsWith(".git", StringComparison.Ordinal) || s.EndsWith(".atom", StringComparison.Ordinal) || s.Contains("..")))
            throw new AdminError($"path_with_namespace '{pathWithNamespace}' must be <namespace>/<project> of letters, digits, '_', '-' and '.'");
        var branch = defaultBranch ?? "main";
        if (!Hooks.GitRefName.IsValidBranch(branch)) throw new AdminError($"default_branch '{branch}' is not a valid branch name");
        if (visibility is not (null or "private" or "internal" or "public")) throw new AdminError("visibility must be private, internal or public");
        var project = state.Write(d =>
        {
            var full = string.Join('/', segments);
            if (d.Projects.Any(p => string.Equals(p.FullPath, full, StringComparison.OrdinalIgnoreCase)))
                throw new AdminError($"project '{full}' exists");
            var ns = string.Join('/', segments[..^1]);
            if (!d.NamespaceIds.ContainsKey(ns)) d.NamespaceIds[ns] = StandInState.NextId(d, "namespaces");
            var created = new ProjectRecord
            {
                Id = StandInState.NextId(d, "projects"),
                Path = segments[^1],
                NamespacePath = ns,
                NamespaceName = namespaceName ?? segments[^2],
                Name = name ?? segments[^1],
                Description = description,
                DefaultBranch = branch,
                Visibility = visibility ?? "private",
                ProtectedBranches = [branch],
                CreatedAt = clock.GetUtcNow(),
            };
            d.Projects.Add(created);
            return created;
        });
        await store.CreateAsync(project, cancellationToken);
        return project;
    }

    public void AddMember(long projectId, long userId, int accessLevel)
    {
        if (!AccessLevel.IsValid(accessLevel)) throw new AdminError("access_level must be 10, 20, 30, 40 or 50");
        state.Write(d =>
        {
            var project = Project(d, projectId);
            if (d.Users.All(u => u.Id != userId)) throw new AdminError($"user {userId} does not exist");
            project.Members.RemoveAll(m => m.UserId == userId);
            project.Members.Add(new MemberRecord { UserId = userId, AccessLevel = accessLevel });
        });
    }

    public void ProtectBranch(long projectId, string name) => state.Write(d =>
    {
        var project = Project(d, projectId);
        if (!project.ProtectedBranches.Contains(name)) project.ProtectedBranches.Add(name);
    });

    public CreatedToken CreatePersonalToken(long userId, string name, IReadOnlyList<string> scopes, DateOnly? expiresAt, string? token = null,
        string? description = null)
    {
        CheckScopes(scopes, Scopes.Personal, "personal access token");
        var text = CheckToken(token) ?? Tokens.NewPersonal();
        return state.Write(d =>
        {
            if (d.Users.All(u => u.Id != userId)) throw new AdminError($"user {userId} does not exist");
            return AddAccessToken(d, userId, name, scopes, expiresAt, text, description);
        });
    }

    /// <summary>A project access token: a new bot user, member of this project only, with the token's role.</summary>
    public CreatedToken CreateProjectToken(long projectId, string name, IReadOnlyList<string> scopes, int accessLevel, DateOnly? expiresAt,
        string? token = null)
    {
        CheckScopes(scopes, Scopes.ProjectToken, "project access token");
        if (!AccessLevel.IsValid(accessLevel) || accessLevel == AccessLevel.Owner) throw new AdminError("access_level must be 10, 20, 30 or 40");
        var text = CheckToken(token) ?? Tokens.NewPersonal();
        return state.Write(d =>
        {
            var project = Project(d, projectId);
            var botId = StandInState.NextId(d, "users");
            var suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
            d.Users.Add(new UserRecord
            {
                Id = botId,
                Username = $"project_{projectId}_bot_{suffix}",
                Name = name,
                Email = $"project_{projectId}_bot_{suffix}@noreply.example.com",
                Bot = true,
                CreatedAt = clock.GetUtcNow(),
            });
            project.Members.Add(new MemberRecord { UserId = botId, AccessLevel = accessLevel });
            return AddAccessToken(d, botId, name, scopes, expiresAt, text, null);
        });
    }

    public CreatedToken CreateDeployToken(long projectId, string name, string? username, IReadOnlyList<string> scopes, DateOnly? expiresAt,
        string? token = null)
    {
        CheckScopes(scopes, Scopes.Deploy, "deploy token");
        var text = CheckToken(token) ?? Tokens.NewDeploy();
        return state.Write(d =>
        {
            Project(d, projectId);
            var id = StandInState.NextId(d, "deploy_tokens");
            if (d.AccessTokens.Any(t => t.Digest == Tokens.Digest(text)) || d.DeployTokens.Any(t => t.Digest == Tokens.Digest(text)))
                throw new AdminError("that token text is in use");
            d.DeployTokens.Add(new DeployTokenRecord
            {
                Id = id,
                ProjectId = projectId,
                Name = name,
                Username = username ?? $"gitlab+deploy-token-{id}",
                Digest = Tokens.Digest(text),
                Scopes = [.. scopes],
                ExpiresAt = expiresAt,
                CreatedAt = clock.GetUtcNow(),
            });
            return new CreatedToken(id, text, 0);
        });
    }

    public void RevokeAccessToken(long id) => state.Write(d =>
        (d.AccessTokens.FirstOrDefault(t => t.Id == id) ?? throw new AdminError($"access token {id} does not exist")).Revoked = true);

    public void RevokeDeployToken(long id) => state.Write(d =>
        (d.DeployTokens.FirstOrDefault(t => t.Id == id) ?? throw new AdminError($"deploy token {id} does not exist")).Revoked = true);

    private CreatedToken AddAccessToken(StateData d, long userId, string name, IReadOnlyList<string> scopes, DateOnly? expiresAt, string text,
        string? description)
    {
        var digest = Tokens.Digest(text);
        if (d.AccessTokens.Any(t => t.Digest == digest) || d.DeployTokens.Any(t => t.Digest == digest)) throw new AdminError("that token text is in use");
        var record = new AccessTokenRecord
        {
            Id = StandInState.NextId(d, "personal_access_tokens"),
            UserId = userId,
            Name = name,
            Description = description,
            Digest = digest,
            Scopes = [.. scopes],
            ExpiresAt = expiresAt,
            CreatedAt = clock.GetUtcNow(),
        };
        d.AccessTokens.Add(record);
        return new CreatedToken(record.Id, text, userId);
    }

    private static ProjectRecord Project(StateData d, long id) =>
        d.Projects.FirstOrDefault(p => p.Id == id) ?? throw new AdminError($"project {id} does not exist");

    private static void CheckScopes(IReadOnlyList<string> scopes, IReadOnlySet<string> allowed, string kind)
    {
        if (scopes.Count == 0) throw new AdminError($"a {kind} needs at least one scope");
        if (scopes.FirstOrDefault(s => !allowed.Contains(s)) is { } bad)
            throw new AdminError($"'{bad}' is not a {kind} scope (allowed: {string.Join(", ", allowed.Order())})");
    }

    /// <summary>A fixed token text (for demos and run scripts) must be at least 20 printable ASCII characters.</summary>
    private static string? CheckToken(string? token)
    {
        if (token is null) return null;
        if (token.Length < 20 || token.Length > 255 || token.Any(c => c <= ' ' || c > '~'))
            throw new AdminError("token must be 20 to 255 printable ASCII characters");
        return token;
    }
}
