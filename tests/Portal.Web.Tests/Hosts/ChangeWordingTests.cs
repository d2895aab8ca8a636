using Portal.Data.Entities;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Orders;
using Portal.Web.Hosts;

namespace Portal.Web.Tests.Hosts;

public sealed class ChangeWordingTests
{
    [Theory]
    [InlineData("Modify", "False", "Modify LaunchTemplate (AWS::EC2::LaunchTemplate) — replacement: no", ChangeRisk.InPlace)]
    [InlineData("Modify", "True", "Modify LaunchTemplate (AWS::EC2::LaunchTemplate) — replacement: YES (a new resource replaces it)", ChangeRisk.Replaced)]
    [InlineData("Modify", "Conditional", "Modify LaunchTemplate (AWS::EC2::LaunchTemplate) — replacement: maybe (depends on values AWS only knows during the update)", ChangeRisk.MaybeReplaced)]
    [InlineData("Add", null, "Add LaunchTemplate (AWS::EC2::LaunchTemplate) — a new resource", ChangeRisk.InPlace)]
    [InlineData("Remove", null, "Remove LaunchTemplate (AWS::EC2::LaunchTemplate) — deleted", ChangeRisk.Replaced)]
    public void A_resource_change_is_worded_plainly_with_its_risk(string action, string? replacement, string words, ChangeRisk risk)
    {
        var change = Resource(action, "LaunchTemplate", "AWS::EC2::LaunchTemplate", replacement);

        Assert.Equal(words, ChangeWording.Describe(change));
        Assert.Equal(risk, ChangeWording.RiskOf(change));
    }

    [Fact]
    public void A_database_replaced_or_possibly_replaced_is_warned_about_and_one_modified_in_place_is_not()
    {
        var change = Change(
            new ChangeStackView("dev", "software", "dev-app", ChangeSetState.Ready, null,
                [Resource("Modify", "DatabaseInstance", "AWS::RDS::DBInstance", "False"), Resource("Modify", "LaunchTemplate", "AWS::EC2::LaunchTemplate", "True")]),
            new ChangeStackView("production", "software", "production-app", ChangeSetState.Ready, null,
                [Resource("Modify", "DatabaseInstance", "AWS::RDS::DBInstance", "True")]),
            new ChangeStackView("staging", "software", "staging-app", ChangeSetState.Ready, null,
                [Resource("Modify", "DatabaseInstance", "AWS::RDS::DBInstance", "Conditional")]));

        Assert.Equal(
        [
            "production: the database DatabaseInstance will be REPLACED by a new, empty one.",
            "staging: the database DatabaseInstance may be replaced by a new, empty one.",
        ], ChangeWording.DatabaseWarnings(change));
    }

    [Fact]
    public void Fields_are_labelled_as_the_form_labels_them()
    {
        Assert.Equal("Plan", ChangeWording.FieldLabel(HostOrderFields.Plan));
        Assert.Equal("Branch for production", ChangeWording.FieldLabel(HostOrderFields.ProductionBranch));
        Assert.Equal("Database storage (GB)", ChangeWording.FieldLabel(HostOrderFields.DatabaseStorageGb));
        Assert.Equal("Database instance class", ChangeWording.FieldLabel("databaseInstanceClass"));
        Assert.Equal("somethingNew", ChangeWording.FieldLabel("somethingNew"));
        Assert.Equal("—", ChangeWording.Value(null));
    }

    private static ResourceChangeRecord Resource(string action, string id, string type, string? replacement) => new(action, id, type, replacement, ["Properties"]);

    private static HostChangeView Change(params ChangeStackView[] stacks) => new(
        Guid.NewGuid(), "shop", HostChangeState.Ready, null, [new FieldChange("plan", "small", "medium")], stacks, new HostOrder(),
        "someone@example.test", DateTimeOffset.UtcNow, null, DateTimeOffset.UtcNow);
}
