using Portal.Data.Entities;
using Portal.Provisioning.Templates;
using Portal.Releases.Starting;
using Portal.Tests.Support;

namespace Portal.Releases.Tests.Starting;

public sealed class PipelineVariablesTests
{
    private static Release Release(string? message = "fixed readme", string? username = "jsmith", string? email = "john@example.com") => new()
    {
        CommitId = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
        Branch = "master",
        AuthorUsername = username,
        AuthorEmail = email,
        Message = message,
        ClientRequestToken = "gl-token",
    };

    [Fact]
    public void Are_exactly_the_variables_the_software_pipeline_declares()
    {
        var template = CloudFormationYaml.Parse(File.ReadAllText(RepoPaths.Combine("templates", "host-software.yaml")));
        var pipeline = (Dictionary<string, object?>)((Dictionary<string, object?>)template["Resources"]!)["Pipeline"]!;
        var declared = ((List<object?>)((Dictionary<string, object?>)pipeline["Properties"]!)["Variables"]!)
            .Select(v => (string)((Dictionary<string, object?>)v!)["Name"]!);

        Assert.Equal(declared.Order(), PipelineVariables.For(Release()).Keys.Order());
    }

    [Fact]
    public void Carry_the_commit_branch_author_and_first_line_of_the_message()
    {
        var variables = PipelineVariables.For(Release(message: "Fix the login page\n\nLonger explanation\nover lines"));

        Assert.Equal("da1560886d4f094c3e6c9ef40349f7d38b5d27d7", variables[PipelineVariables.CommitId]);
        Assert.Equal("master", variables[PipelineVariables.Branch]);
        Assert.Equal("jsmith", variables[PipelineVariables.Author]);
        Assert.Equal("Fix the login page", variables[PipelineVariables.Message]);
    }

    [Fact]
    public void Fall_back_to_the_email_and_leave_out_empty_values_which_CodePipeline_refuses()
    {
        var variables = PipelineVariables.For(Release(message: "  \n ", username: null));

        Assert.Equal("john@example.com", variables[PipelineVariables.Author]);
        Assert.False(variables.ContainsKey(PipelineVariables.Message));
        Assert.False(PipelineVariables.For(Release(username: null, email: null)).ContainsKey(PipelineVariables.Author));
    }

    [Fact]
    public void Keep_values_within_1000_characters_without_control_characters_or_half_surrogates()
    {
        var long_ = new string('a', 999) + "😀" + new string('b', 50);
        var message = PipelineVariables.For(Release(message: long_))[PipelineVariables.Message];
        var tabbed = PipelineVariables.For(Release(message: "a\tb\u0007c"))[PipelineVariables.Message];

        Assert.Equal(new string('a', 999), message);
        Assert.Equal("a b c", tabbed);
    }
}
