using System.Globalization;
using System.Net;
using Portal.GitLabStandIn.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.GitLabStandIn.Tests;

/// <summary>Tokens and refusals as GitLab's APIGuard and API helpers answer them (lib/api/api_guard.rb, lib/api/helpers.rb).</summary>
public sealed class ApiAuthenticationTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private StandInHost Host => fixture.Host;

    [Fact]
    public async Task A_project_is_found_by_id_and_by_url_encoded_path_with_gitlab_fields()
    {
        var project = await Host.NewProjectAsync();
        using var api = Host.Api(project.Token);
        foreach (var id in new[] { project.Id.ToString(CultureInfo.InvariantCulture), Uri.EscapeDataString(project.Path) })
        {
            var (status, json, _) = await api.GetJsonAsync($"projects/{id}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(project.Id, json!["id"]!.GetValue<long>());
            Assert.Equal(project.Path, json["path_with_namespace"]!.GetValue<string>());
            Assert.Equal("main", json["default_branch"]!.GetValue<string>());
            Assert.Equal(new Uri(Host.BaseUrl, "/" + project.Path).ToString().TrimEnd('/'), json["web_url"]!.GetValue<string>());
            Assert.Equal(project.HttpUrl, json["http_url_to_repo"]!.GetValue<string>());
            Assert.True(json["empty_repo"]!.GetValue<bool>());
            Assert.Equal(40, json["permissions"]!["project_access"]!["access_level"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_project_the_token_cannot_see_is_404_like_one_that_does_not_exist()
    {
        var mine = await Host.NewProjectAsync();
        var theirs = await Host.NewProjectAsync();
        using var api = Host.Api(mine.Token);
        foreach (var path in new[] { $"projects/{theirs.Id}", "projects/999999", $"projects/{Uri.EscapeDataString(theirs.Path)}", "projects/nope",
                     "projects/99999999999999999999999" })
        {
            var (status, json, _) = await api.GetJsonAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("""{"message":"404 Project Not Found"}""", json.Json());
        }
        using var anonymous = Host.Api();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetJsonAsync($"projects/{mine.Id}")).Status);
    }

    [Fact]
    public async Task A_double_encoded_path_is_decoded_once()
    {
        var project = await Host.NewProjectAsync();
        using var api = Host.Api(project.Token);
        var (status, _, _) = await api.GetJsonAsync($"projects/{project.Path.Replace("/", "%252F")}");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task An_unknown_token_and_a_deploy_token_are_401_unauthorized()
    {
        var project = await Host.NewProjectAsync();
        var (_, deploy) = await Host.DeployTokenAsync(project.Id, "deployer-" + project.Username, ["read_repository"]);
        foreach (var token in new[] { "glpat-not-a-token-at-all", deploy })
        {
            using var api = Host.Api(token);
            var (status, json, _) = await api.GetJsonAsync($"projects/{project.Id}");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal("""{"message":"401 Unauthorized"}""", json.Json());
        }
    }

    [Fact]
    public async Task Bearer_authorization_and_the_private_token_parameter_work_like_the_header()
    {
        var project = await Host.NewProjectAsync();
        using var bearer = Host.Api();
        bearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", project.Token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetJsonAsync($"projects/{project.Id}")).Status);
        using var plain = Host.Api();
        Assert.Equal(HttpStatusCode.OK, (await plain.GetJsonAsync($"projects/{project.Id}?private_token={project.Token}")).Status);
    }

    [Fact]
    public async Task Expired_and_revoked_tokens_get_oauth_invalid_token_answers()
    {
        var project = await Host.NewProjectAsync();
        var (_, expired) = await Host.PersonalTokenAsync(project.UserId, ["api"], DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        using (var api = Host.Api(expired))
        {
            var (status, json, response) = await api.GetJsonAsync($"projects/{project.Id}");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal("invalid_token", json!["error"]!.GetValue<string>());
            Assert.Equal("Token is expired. You can either do re-authorization or token refresh.", json["error_description"]!.GetValue<string>());
            Assert.StartsWith("Bearer realm=\"Protected by OAuth 2.0\", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        }
        var (id, revoked) = await Host.PersonalTokenAsync(project.UserId, ["api"]);
        await Host.AdminPostAsync($"tokens/personal/{id}/revoke", new { });
        using (var api = Host.Api(revoked))
        {
            var (status, json, _) = await api.GetJsonAsync($"projects/{project.Id}");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal("Token was revoked. You have to re-authorize from the user.", json!["error_description"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_read_repository_token_is_refused_the_api_with_insufficient_scope_and_read_api_only_reads()
    {
        var project = await Host.NewProjectAsync();
        var (_, readRepository) = await Host.PersonalTokenAsync(project.UserId, ["read_repository"]);
        using (var api = Host.Api(readRepository))
        {
            var (status, json, _) = await api.GetJsonAsync($"projects/{project.Id}");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("""{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api read_api"}""",
                json.Json());
        }
        var (_, readApi) = await Host.PersonalTokenAsync(project.UserId, ["read_api"]);
        using (var api = Host.Api(readApi))
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetJsonAsync($"projects/{project.Id}")).Status);
            var (status, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks", new { url = "http://127.0.0.1:1/x" });
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("insufficient_scope", json!["error"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Personal_access_tokens_self_answers_for_personal_and_project_tokens_whatever_their_scopes()
    {
        var project = await Host.NewProjectAsync();
        var (id, token) = await Host.ProjectTokenAsync(project.Id, ["read_repository"], 30, "2099-01-31");
        using var api = Host.Api(token);
        var (status, json, _) = await api.GetJsonAsync("personal_access_tokens/self");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, json!["id"]!.GetValue<long>());
        Assert.Equal("""["read_repository"]""", json["scopes"].Json());
        Assert.Equal("2099-01-31", json["expires_at"]!.GetValue<string>());
        Assert.True(json["active"]!.GetValue<bool>());
        Assert.False(json["revoked"]!.GetValue<bool>());
        using var anonymous = Host.Api();
        var (anonymousStatus, anonymousJson, _) = await anonymous.GetJsonAsync("personal_access_tokens/self");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousStatus);
        Assert.Equal("""{"message":"401 Unauthorized"}""", anonymousJson.Json());
    }

    [Fact]
    public async Task The_current_user_is_the_tokens_owner_with_read_user_and_refused_without_it()
    {
        var userId = await Host.CreateUserAsync("u" + Guid.NewGuid().ToString("N")[..10], publicEmail: null);
        var (_, readUser) = await Host.PersonalTokenAsync(userId, ["read_user"]);
        var (_, repository) = await Host.PersonalTokenAsync(userId, ["read_repository"]);
        using var api = Host.Api(readUser);
        var (status, json, _) = await api.GetJsonAsync("user");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(userId, json!["id"]!.GetValue<long>());
        Assert.Equal("active", json["state"]!.GetValue<string>());
        Assert.Equal("", json["public_email"]!.GetValue<string>());
        Assert.EndsWith("@example.com", json["email"]!.GetValue<string>());
        Assert.False(json["bot"]!.GetValue<bool>());

        using var narrow = Host.Api(repository);
        var (refused, refusal, _) = await narrow.GetJsonAsync("user");
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal("insufficient_scope", refusal!["error"]!.GetValue<string>());
        using var anonymous = Host.Api();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetJsonAsync("user")).Status);
    }

    [Fact]
    public async Task A_project_access_token_sees_only_its_own_project()
    {
        var project = await Host.NewProjectAsync();
        var other = await Host.NewProjectAsync();
        var (_, token) = await Host.ProjectTokenAsync(project.Id, ["api"]);
        using var api = Host.Api(token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetJsonAsync($"projects/{project.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetJsonAsync($"projects/{other.Id}")).Status);
    }

    [Fact]
    public async Task Unknown_routes_other_methods_nul_bytes_and_api_v3_get_gitlabs_answers()
    {
        var project = await Host.NewProjectAsync();
        using var api = Host.Api(project.Token);
        var (status, json, _) = await api.GetJsonAsync("nothing/here");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("""{"error":"404 Not Found"}""", json.Json());
        var (methodStatus, methodJson, _) = await api.SendJsonAsync(HttpMethod.Patch, $"projects/{project.Id}/hooks");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, methodStatus);
        Assert.Equal("""{"error":"405 Not Allowed"}""", methodJson.Json());
        using var nul = await api.GetAsync($"projects/{project.Id}/repository/compare?from=main%00&to=main");
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal("Bad Request", await nul.Content.ReadAsStringAsync());
        using var v3 = new HttpClient { BaseAddress = Host.BaseUrl };
        var (goneStatus, goneJson, _) = await v3.GetJsonAsync("/api/v3/projects");
        Assert.Equal(HttpStatusCode.Gone, goneStatus);
        Assert.Equal("API V3 is no longer supported. Use API V4 instead.", goneJson!["error"]!.GetValue<string>());
    }
}
