using System.Text;
using Portal.Releases.GitLab;
using Portal.Tests.Support.GitLab;

namespace Portal.Web.Tests.GitLab;

public sealed class PushEventParserTests
{
    private static Task<ParseResult<PushEvent>> Parse(string json) =>
        PushEventParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None);

    [Fact]
    public async Task Reads_the_documented_push_event()
    {
        var push = (await Parse(GitLabPayloads.Push())).Event!;

        Assert.Equal("push", push.ObjectKind);
        Assert.Equal("master", push.Branch);
        Assert.Equal(15, push.Project.Id);
        Assert.Equal("mike/diaspora", push.Project.PathWithNamespace);
        Assert.Equal("jsmith", push.UserUsername);
        Assert.Equal("john@example.com", push.UserEmail);
        Assert.Equal(4, push.TotalCommitsCount);
        Assert.False(push.IsBranchDeletion);
        Assert.False(push.CiSkip);
        Assert.Equal("fixed readme", push.HeadCommit!.Message);
        Assert.Equal("GitLab dev user", push.HeadCommit.Author!.Name);
        Assert.Equal(new DateTimeOffset(2012, 1, 3, 23, 36, 29, TimeSpan.FromHours(2)), push.HeadCommit.Timestamp);
        Assert.Equal(["Jordi Mallach", "GitLab dev user"], push.Commits.Select(c => c.Author!.Name));
    }

    [Fact]
    public async Task Recognises_a_branch_deletion_and_a_tag()
    {
        Assert.True((await Parse(GitLabPayloads.Push(after: GitLabPayloads.ZeroSha))).Event!.IsBranchDeletion);
        Assert.Null((await Parse(GitLabPayloads.Push(@ref: "refs/tags/v1.0"))).Event!.Branch);
        Assert.Equal("feature/x", (await Parse(GitLabPayloads.Push(@ref: "refs/heads/feature/x"))).Event!.Branch);
    }

    [Fact]
    public async Task Reads_GitLabs_sample_push_and_its_ci_skip_option()
    {
        var sample = (await Parse(GitLabDocumentedPayloads.SamplePush)).Event!;

        Assert.True(sample.IsGitLabSample);
        Assert.True(sample.CiSkip);
        Assert.Equal("gitlab/gitlab", sample.Project.PathWithNamespace);
        Assert.False((await Parse(GitLabPayloads.Push())).Event!.IsGitLabSample);
    }

    [Theory]
    [InlineData("""{"ci":{"skip":true}}""", true)]
    [InlineData("""{"ci":{"skip":"true"}}""", true)]
    [InlineData("""{"ci":{"variable":{"A=1":1}}}""", false)]
    [InlineData("""{}""", false)]
    [InlineData("""[]""", false)]
    public async Task Reads_push_options_of_any_shape_without_refusing_the_push(string options, bool skip)
    {
        var body = GitLabPayloads.Push().Replace("\"total_commits_count\": 4", $"\"total_commits_count\": 4, \"push_options\": {options}");

        Assert.Equal(skip, (await Parse(body)).Event!.CiSkip);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "not valid JSON")]
    [InlineData("""{"object_kind":"push"}""", "Missing fields: ref, before, after, project.")]
    [InlineData("""{"object_kind":"push","ref":"refs/heads/dev","before":"a","after":"b","project":{"id":1}}""", "Missing fields: project.path_with_namespace.")]
    [InlineData("""{"object_kind":"push","ref":"refs/heads/dev","before":"a","after":"b","project":{"id":"x","path_with_namespace":"a/b"}}""", "at $.project.id")]
    public async Task Names_what_is_wrong_with_a_bad_body(string body, string expected)
    {
        var result = await Parse(body);

        Assert.Null(result.Event);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("Portal.", result.Error);
        Assert.DoesNotContain("System.", result.Error);
    }

    [Fact]
    public async Task A_wrongly_typed_field_is_named_by_its_JSON_path_not_by_a_dotnet_type()
    {
        var result = await Parse(GitLabPayloads.Push().Replace("\"total_commits_count\": 4", "\"total_commits_count\": \"four\""));

        Assert.Equal("The body is not valid JSON, or a field has the wrong type, at $.total_commits_count (line 65, byte 32).", result.Error);
    }

    [Fact]
    public async Task Other_events_give_their_project()
    {
        var project = (await PushEventParser.ParseProjectAsync(new MemoryStream(Encoding.UTF8.GetBytes(GitLabDocumentedPayloads.MergeRequest)),
            CancellationToken.None)).Event!;

        Assert.Equal("merge_request", project.ObjectKind);
        Assert.Equal(1, project.Id);
        Assert.Equal("gitlabhq/gitlab-test", project.PathWithNamespace);
    }
}
