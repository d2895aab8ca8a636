using Portal.Data.Entities;
using Portal.Provisioning.Approvals;

namespace Portal.Provisioning.Tests.Operations;

public class ApprovalRulesTests
{
    [Theory]
    [InlineData(EnvironmentKind.Dev, 2, 1)]
    [InlineData(EnvironmentKind.Staging, 2, 1)]
    [InlineData(EnvironmentKind.Production, 2, 2)]
    [InlineData(EnvironmentKind.Production, 1, 1)]
    [InlineData(EnvironmentKind.Production, 0, 1)]
    [InlineData(EnvironmentKind.Production, 5, 2)]
    public void Production_needs_the_hosts_number_of_approvals_and_other_environments_one(EnvironmentKind environment, int host, int expected) =>
        Assert.Equal(expected, ApprovalRules.RequiredApprovals(environment, host));

    [Theory]
    [InlineData("alice", "alice@acme.example", "alice", null, true)]
    [InlineData("alice", "alice@acme.example", " ALICE ", null, true)]
    [InlineData("alice", "alice@acme.example", null, "Alice@ACME.example", true)]
    [InlineData("alice", "alice@acme.example", "bob", "bob@acme.example", false)]
    [InlineData(null, null, "alice", "alice@acme.example", false)]
    [InlineData("", "", "", "", false)]
    public void The_pusher_is_recognised_by_linked_GitLab_username_or_e_mail(string? authorUsername, string? authorEmail, string? gitLab, string? email, bool pushed) =>
        Assert.Equal(pushed, ApprovalRules.PushedBy(authorUsername, authorEmail, gitLab, email));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_decision_without_a_comment_is_refused(string? comment) =>
        Assert.Contains("comment is required", ApprovalRules.CheckComment(comment));

    [Fact]
    public void A_comment_is_at_most_2000_characters()
    {
        Assert.Null(ApprovalRules.CheckComment(new string('x', 2000)));
        Assert.NotNull(ApprovalRules.CheckComment(new string('x', 2001)));
    }

    [Fact]
    public void Decisions_name_the_approval_by_a_hash_of_its_token()
    {
        var hash = ApprovalRules.TokenHash("1a2b3c4d-token");

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, ApprovalRules.TokenHash("1a2b3c4d-token"));
        Assert.NotEqual(hash, ApprovalRules.TokenHash("1a2b3c4d-tokem"));
    }

    [Theory]
    [InlineData("jsmith", true)]
    [InlineData("john.smith_2", true)]
    [InlineData("_bot", true)]
    [InlineData("-jsmith", false)]
    [InlineData("jsmith.", false)]
    [InlineData("j smith", false)]
    [InlineData("", false)]
    public void GitLab_usernames_follow_GitLabs_rule(string username, bool valid) =>
        Assert.Equal(valid, GitLabAccountLink.Check(username) is null);
}
