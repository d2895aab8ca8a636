using Portal.Data.Entities;
using Portal.Releases.Approvals;

namespace Portal.Releases.Tests.Approvals;

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
    [InlineData(42L, 42L, true)]
    [InlineData(42L, 43L, false)]
    [InlineData(null, 42L, false)]
    [InlineData(42L, null, false)]
    [InlineData(null, null, false)]
    public void The_pusher_is_recognised_by_GitLab_user_id_only(long? pusher, long? approver, bool pushed) =>
        Assert.Equal(pushed, ApprovalRules.PushedBy(pusher, approver));

    [Theory]
    [InlineData(EnvironmentKind.Production, 7L, 7L, "You pushed this commit")]
    [InlineData(EnvironmentKind.Staging, 7L, 7L, "You pushed this commit")]
    [InlineData(EnvironmentKind.Production, 7L, null, "no verified GitLab identity")]
    [InlineData(EnvironmentKind.Production, null, 8L, "no user_id")]
    [InlineData(EnvironmentKind.Production, 7L, 8L, null)]
    [InlineData(EnvironmentKind.Staging, null, null, null)]
    public void Production_approvals_need_both_identities_and_nobody_approves_their_own_push(EnvironmentKind environment, long? pusher,
        long? approver, string? refusal)
    {
        var why = ApprovalRules.ApprovalRefusal(environment, pusher, "jsmith", approver);
        if (refusal is null) Assert.Null(why);
        else Assert.Contains(refusal, why);
    }

    [Theory]
    [InlineData(2, EnvironmentKind.Production, 1, 2)]
    [InlineData(1, EnvironmentKind.Production, 2, 1)]
    [InlineData(null, EnvironmentKind.Production, 2, 2)]
    [InlineData(null, EnvironmentKind.Staging, 2, 1)]
    public void A_release_keeps_the_count_it_started_waiting_under(int? recorded, EnvironmentKind environment, int hostRule, int expected) =>
        Assert.Equal(expected, ApprovalRules.RequiredFor(recorded, environment, hostRule));

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
}
