using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.GitLabStandIn.Api;
using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.Hooks;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Admin;

/// <summary>
/// StandIn:SeedPath, for run scripts and demos. Whatever exists already (a state.json from an earlier run) is kept:
/// <code>
/// { "users":    [{ "username": "alice", "name": "Alice", "email": "alice@example.com", "public_email": null, "admin": false }],
///   "projects": [{ "path_with_namespace": "acme/web", "default_branch": "main", "visibility": "private",
///                  "members": [{ "username": "alice", "access_level": 40 }],
///                  "hooks": [{ "url": "http://127.0.0.1:5080/hooks/gitlab", "token": "secret", "push_events": true }] }],
///   "tokens":   [{ "kind": "personal", "username": "alice", "scopes": ["api"], "token": "glpat-demo-alice-0000000" },
///                { "kind": "project", "project": "acme/web", "access_level": 40, "scopes": ["api"], "token": "..." },
///                { "kind": "deploy", "project": "acme/web", "scopes": ["read_repository"], "username": "deployer", "token": "..." }] }
/// </code>
/// </summary>
public sealed class SeedFile(AdminService admin, StandInState state, IOptions<StandInOptions> options, TimeProvider clock)
{
    public async Task ApplyAsync(string path, CancellationToken cancellationToken = default)
    {
        var seed = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken)) as JsonObject
            ?? throw new AdminError($"{path}: the seed must be a JSON object");
        foreach (var user in Objects(seed, "users"))
        {
            var username = AdminEndpoints.Required(user, "username");
            if (FindUser(username) is null)
                admin.CreateUser(username, AdminEndpoints.Str(user, "name"), AdminEndpoints.Str(user, "email"), AdminEndpoints.Str(user, "public_email"),
                    user["admin"]?.GetValue<bool>() ?? false);
        }
        foreach (var entry in Objects(seed, "projects"))
        {
            var fullPath = AdminEndpoints.Required(entry, "path_with_namespace");
            var project = state.Read(d => d.Projects.FirstOrDefault(p => p.FullPath == fullPath))
                ?? await admin.CreateProjectAsync(fullPath, AdminEndpoints.Str(entry, "name"), AdminEndpoints.Str(entry, "description"),
                    AdminEndpoints.Str(entry, "default_branch"), AdminEndpoints.Str(entry, "visibility"), AdminEndpoints.Str(entry, "namespace_name"),
                    cancellationToken);
            foreach (var member in Objects(entry, "members"))
                admin.AddMember(project.Id, RequireUser(AdminEndpoints.Required(member, "username")).Id, (int)AdminEndpoints.Long(member, "access_level"));
            foreach (var hook in Objects(entry, "hooks")) AddHook(project, hook);
        }
        foreach (var token in Objects(seed, "tokens")) AddToken(token);
    }

    private void AddHook(ProjectRecord project, JsonObject json)
    {
        var url = AdminEndpoints.Required(json, "url");
        if (state.Read(d => d.Hooks.Any(h => h.ProjectId == project.Id && h.Url == url))) return;
        var hook = new HookRecord { ProjectId = project.Id };
        try
        {
            HookRules.Assign(hook, ApiParams.FromJson(json));
        }
        catch (ApiError e)
        {
            throw new AdminError($"hook {url}: {e.Message}");
        }
        var errors = HookRules.Validate(hook, options.Value.AllowLocalRequestsFromWebHooksAndServices);
        if (errors.Count > 0) throw new AdminError($"hook {url}: {string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}");
        state.Write(d =>
        {
            hook.Id = StandInState.NextId(d, "web_hooks");
            hook.CreatedAt = clock.GetUtcNow();
            d.Hooks.Add(hook);
        });
    }

    private void AddToken(JsonObject json)
    {
        var text = AdminEndpoints.Str(json, "token");
        if (text is not null && state.Read(d => d.AccessTokens.Any(t => t.Digest == Tokens.Digest(text)) ||
            d.DeployTokens.Any(t => t.Digest == Tokens.Digest(text)))) return;
        var scopes = AdminEndpoints.List(json, "scopes");
        var name = AdminEndpoints.Str(json, "name") ?? "seeded token";
        var expires = AdminEndpoints.Date(json);
        switch (AdminEndpoints.Required(json, "kind"))
        {
            case "personal":
                admin.CreatePersonalToken(RequireUser(AdminEndpoints.Required(json, "username")).Id, name, scopes, expires, text);
                break;
            case "project":
                admin.CreateProjectToken(RequireProject(json).Id, name, scopes,
                    json["access_level"] is null ? AccessLevel.Maintainer : (int)AdminEndpoints.Long(json, "access_level"), expires, text);
                break;
            case "deploy":
                admin.CreateDeployToken(RequireProject(json).Id, name, AdminEndpoints.Str(json, "username"), scopes, expires, text);
                break;
            default:
                throw new AdminError("token kind must be personal, project or deploy");
        }
    }

    private static IEnumerable<JsonObject> Objects(JsonObject parent, string name) =>
        parent[name] is JsonArray list ? list.OfType<JsonObject>() : [];

    private UserRecord? FindUser(string username) => state.Read(d => d.Users.FirstOrDefault(u => u.Username == username));

    private UserRecord RequireUser(string username) => FindUser(username) ?? throw new AdminError($"seed: no user '{username}'");

    private ProjectRecord RequireProject(JsonObject json)
    {
        var path = AdminEndpoints.Required(json, "project");
        return state.Read(d => d.Projects.FirstOrDefault(p => p.FullPath == path)) ?? throw new AdminError($"seed: no project '{path}'");
    }
}
