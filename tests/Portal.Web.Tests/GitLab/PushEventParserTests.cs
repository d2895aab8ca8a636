using System.Text;
using Portal.Provisioning.GitLab;
using Portal.Tests.Support.GitLab;

namespace Portal.Web.Tests.GitLab;

public sealed class PushEventParserTests
{
    private static PushEventParseResult Parse(string json) => PushEventParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Reads_the_documented_push_event()
    {
        var push = Parse(GitLabPayloads.Push()).Event!;

        Assert.Equal("push", push.ObjectKind);
        Assert.Equal("master", push.Branch);
        Assert.Equal(15, push.Project.Id);
        Assert.Equal("mike/diaspora", push.Project.PathWithNamespace);
        Assert.Equal("jsmith", push.UserUsername);
        Assert.Equal("john@example.com", push.UserEmail);
        Assert.Equal(4, push.TotalCommitsCount);
        Assert.False(push.IsBranchDeletion);
        Assert.Equal("fixed readme", push.HeadCommit!.Message);
        Assert.Equal("GitLab dev user", push.HeadCommit.Author!.Name);
    }

    [Fact]
    public void Recognises_a_branch_deletion_and_a_tag()
    {
        Assert.True(Parse(GitLabPayloads.Push(after: GitLabPayloads.ZeroSha)).Event!.IsBranchDeletion);
        Assert.Null(Parse(GitLabPayloads.Push(@ref: "refs/tags/v1.0")).Event!.Branch);
        Assert.Equal("feature/x", Parse(GitLabPayloads.Push(@ref: "refs/heads/feature/x")).Event!.Branch);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "not valid JSON")]
    [InlineData("""{"object_kind":"push"}""", "Missing fields: ref, before, after, project.")]
    [InlineData("""{"object_kind":"push","ref":"refs/heads/dev","before":"a","after":"b","project":{"id":1}}""", "Missing fields: project.path_with_namespace.")]
    [InlineData("""{"object_kind":"push","ref":"refs/heads/dev","before":"a","after":"b","project":{"id":"x","path_with_namespace":"a/b"}}""", "not valid JSON")]
    public void Names_what_is_wrong_with_a_bad_body(string body, string expected)
    {
        var result = Parse(body);

        Assert.Null(result.Event);
        Assert.Contains(expected, result.Error);
    }
}
