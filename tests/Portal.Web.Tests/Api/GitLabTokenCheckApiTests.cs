using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.Web.Tests.Api;

/// <summary>
/// An order's GitLab project and token are proven against GitLab (the stand-in) before anything is saved: every token
/// or project the portal could not release from is a 400 naming the field, with GitLab's reason, and the order saves nothing.
/// </summary>
public sealed class GitLabTokenCheckApiTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private readonly HostApiHelpers helpers = new(fixture);
    private StandInHost GitLab => fixture.World.GitLab;

    [Fact]
    public async Task A_project_that_does_not_exist_is_a_field_error_of_the_project()
    {
        var messages = await RefusedAsync("acme/no-such-project-" + Guid.NewGuid().ToString("N")[..8], ProvisioningWorld.GitLabToken, "gitLabProjectPath");
        Assert.Contains(messages, m => m.Contains("GitLab has no project", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_whose_user_is_no_member_of_the_private_project_is_refused_as_if_the_project_were_not_there()
    {
        var project = await GitLab.NewProjectAsync();
        var outsider = await GitLab.CreateUserAsync("o" + Guid.NewGuid().ToString("N")[..10]);
        var (_, token) = await GitLab.PersonalTokenAsync(outsider, ["api"]);
        await RefusedAsync(project.Path, token, "gitLabProjectPath");
    }

    [Fact]
    public async Task A_token_of_a_guest_who_cannot_read_the_repository_is_a_field_error_of_the_token()
    {
        using var repository = await GitLabRepository.CreateAsync(GitLab, "dev");
        var guest = await GitLab.CreateUserAsync("g" + Guid.NewGuid().ToString("N")[..10]);
        await GitLab.AddMemberAsync(repository.ProjectId, guest, 10);
        var (_, token) = await GitLab.PersonalTokenAsync(guest, ["api"]);
        var messages = await RefusedAsync(repository.Path, token, "gitLabToken");
        Assert.Contains(messages, m => m.Contains("may not read the project's repository", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("read_repository")]
    [InlineData("read_user")]
    public async Task A_token_without_read_api_or_api_is_a_field_error_naming_its_scopes(string scope)
    {
        var project = await GitLab.NewProjectAsync();
        var (_, token) = await GitLab.PersonalTokenAsync(project.UserId, [scope]);
        var messages = await RefusedAsync(project.Path, token, "gitLabToken");
        Assert.Contains(messages, m => m.Contains($"scopes are {scope}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deploy_token_or_an_unknown_token_is_a_field_error_of_the_token()
    {
        var project = await GitLab.NewProjectAsync();
        var (_, deploy) = await GitLab.DeployTokenAsync(project.Id, "deployer", ["read_repository"]);
        var messages = await RefusedAsync(project.Path, deploy, "gitLabToken");
        Assert.Contains(messages, m => m.Contains("Deploy tokens do not work", StringComparison.Ordinal));
        await RefusedAsync(project.Path, "glpat-not-a-token-000000000000", "gitLabToken");
    }

    /// <summary>Orders the project with the token: 400, an error on exactly <paramref name="field"/>, no host saved.</summary>
    private async Task<IReadOnlyList<string>> RefusedAsync(string project, string token, string field)
    {
        var (user, api) = await helpers.CustomerAsync();
        using var response = await api.PostAsJsonAsync("/api/v1/hosts", HostApiHelpers.Order("checked", project: project, token: token));
        var problem = await HostApiHelpers.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var messages = HostApiHelpers.FieldErrors(problem, field);
        Assert.NotEmpty(messages);
        Assert.DoesNotContain(messages, m => m.Contains(token, StringComparison.Ordinal));
        Assert.Equal(0, await helpers.DbAsync(db => db.Hosts.CountAsync(h => h.CustomerId == user.CustomerId)));
        return messages;
    }
}
