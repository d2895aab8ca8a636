using Portal.Data.Entities;
using Portal.Releases.Approvals;

namespace Portal.Releases.Tests.Approvals;

/// <summary>Who a customer approver is, when a wait needs one, and when a wait's approvals are complete.</summary>
public class CustomerApprovalRulesTests
{
    private static readonly Guid Customer = Guid.NewGuid();
    private static readonly string[] Approvers = ["qa@acme.example", " CTO@Acme.example "];

    [Theory]
    [InlineData(EnvironmentKind.Production, true)]
    [InlineData(EnvironmentKind.Staging, false)]
    [InlineData(EnvironmentKind.Dev, false)]
    public void Only_production_waits_for_the_customers_approvers_in_the_portal(EnvironmentKind environment, bool needed)
    {
        Assert.Equal(needed, ApprovalRules.CustomerApprovalRequired(environment, Approvers));
        Assert.False(ApprovalRules.CustomerApprovalRequired(environment, []));
        Assert.False(ApprovalRules.CustomerApprovalRequired(environment, ["  "]));
    }

    [Theory]
    [InlineData("qa@acme.example", true, true)]
    [InlineData("QA@ACME.example", true, true)]
    [InlineData("cto@acme.example ", true, true)]
    [InlineData("qa@acme.example", false, false)] // not verified
    [InlineData("qa@acme.example.evil", true, false)]
    [InlineData("dev@acme.example", true, false)]
    [InlineData(null, true, false)]
    public void A_customer_approver_is_a_user_of_the_customer_with_a_verified_approver_email(string? email, bool verified, bool approver) =>
        Assert.Equal(approver, ApprovalRules.IsCustomerApprover(Customer, Approvers, Customer, email, verified));

    [Fact]
    public void A_user_of_another_customer_is_no_approver_whatever_their_email()
    {
        Assert.False(ApprovalRules.IsCustomerApprover(Customer, Approvers, Guid.NewGuid(), "qa@acme.example", emailVerified: true));
        Assert.False(ApprovalRules.IsCustomerApprover(Customer, Approvers, null, "qa@acme.example", emailVerified: true)); // an operator
    }

    [Fact]
    public void Operators_approving_first_leave_the_wait_open_until_the_customer_approves()
    {
        var count = ApprovalRules.Count([(ApprovalStep.Operators, ApprovalOutcome.Approved)], requiredApprovals: 1, customerApprovalRequired: true);

        Assert.Equal((1, true, true, false), (count.OperatorApprovals, count.OperatorsDone, count.WaitsForCustomer, count.Complete));
        Assert.True(count.With(ApprovalStep.Customer).Complete);
    }

    [Fact]
    public void A_customer_approving_first_counts_for_the_customer_only()
    {
        var count = ApprovalRules.Count([(ApprovalStep.Customer, ApprovalOutcome.Approved)], requiredApprovals: 2, customerApprovalRequired: true);

        Assert.Equal((0, false, false), (count.OperatorApprovals, count.WaitsForCustomer, count.Complete));
        Assert.False(count.With(ApprovalStep.Operators).Complete);
        Assert.True(count.With(ApprovalStep.Operators).With(ApprovalStep.Operators).Complete);
        // A second customer approval is not an operator's.
        Assert.False(count.With(ApprovalStep.Customer).OperatorsDone);
    }

    [Fact]
    public void Without_a_customer_step_the_operators_count_alone_decides()
    {
        var none = ApprovalRules.Count([], requiredApprovals: 1, customerApprovalRequired: false);

        Assert.False(none.Complete);
        Assert.False(none.WaitsForCustomer);
        Assert.True(none.With(ApprovalStep.Operators).Complete);
    }

    [Fact]
    public void Rejections_count_for_nothing()
    {
        var count = ApprovalRules.Count([(ApprovalStep.Customer, ApprovalOutcome.Rejected), (ApprovalStep.Operators, ApprovalOutcome.Rejected)],
            requiredApprovals: 1, customerApprovalRequired: true);

        Assert.Equal((0, false), (count.OperatorApprovals, count.CustomerApproved));
    }

    [Fact]
    public void A_customer_approver_who_pushed_is_told_another_approver_must()
    {
        var why = ApprovalRules.ApprovalRefusal(EnvironmentKind.Production, 7, "jsmith", 7, ApprovalStep.Customer);

        Assert.Contains("You pushed this commit", why);
        Assert.Contains("another of the host's approvers must", why);
        Assert.Contains("no verified GitLab identity", ApprovalRules.ApprovalRefusal(EnvironmentKind.Production, 7, "jsmith", null, ApprovalStep.Customer));
    }
}
