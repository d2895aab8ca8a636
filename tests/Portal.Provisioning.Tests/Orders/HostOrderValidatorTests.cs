using Portal.Data.Entities;
using Portal.Provisioning.Orders;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Tests.Orders;

public sealed class HostOrderValidatorTests
{
    private static HostOrderValidation Validate(HostOrder order) => ValidOrders.Validator.Validate(order);

    private static HostOrderValidation Validate(Action<HostOrder> change, Func<HostOrder>? start = null)
    {
        var order = (start ?? ValidOrders.DevAndProduction)();
        change(order);
        return Validate(order);
    }

    private static void AssertOnlyError(HostOrderValidation validation, string field, string? contains = null)
    {
        Assert.False(validation.IsValid);
        Assert.Equal([field], validation.Errors.Keys);
        if (contains is not null) Assert.Contains(validation.Errors[field], m => m.Contains(contains, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_complete_order_is_valid_and_comes_back_in_canonical_form()
    {
        var validation = Validate(ValidOrders.DevAndProduction());

        Assert.True(validation.IsValid, string.Join("; ", validation.Errors.SelectMany(e => e.Value)));
        var order = validation.Order!;
        Assert.Equal("shop", order.Name);
        Assert.Equal([new OrderedEnvironment(EnvironmentKind.Dev, "develop"), new OrderedEnvironment(EnvironmentKind.Production, "main")], order.Environments);
        Assert.Equal(DeploymentStyle.BlueGreen, order.DeploymentStyle);
        Assert.Equal(new DatabaseChoice("mysql", "db.t4g.medium", 100, true), order.Database);
        Assert.Equal((2, 4), (order.MinInstances, order.MaxInstances));
        Assert.Equal("www.acme.example", order.CustomDomain);
    }

    [Fact]
    public void Empty_optional_fields_take_the_defaults_and_the_plans_values()
    {
        var validation = Validate(ValidOrders.DevOnly());

        Assert.True(validation.IsValid, string.Join("; ", validation.Errors.SelectMany(e => e.Value)));
        var order = validation.Order!;
        Assert.Equal([new OrderedEnvironment(EnvironmentKind.Dev, "dev")], order.Environments);
        Assert.Equal("/", order.HealthCheckPath);
        Assert.Equal(DeploymentStyle.InPlace, order.DeploymentStyle);
        Assert.Equal(new DatabaseChoice("postgres", "db.t4g.micro", 20, false), order.Database);
        Assert.Equal((1, 2), (order.MinInstances, order.MaxInstances));
        Assert.Null(order.CustomDomain);
    }

    [Fact]
    public void Default_branches_are_dev_staging_and_master()
    {
        var validation = Validate(o => o.Environments = ["production", "staging", "dev"], ValidOrders.DevOnly);

        Assert.Equal(HostOrderFields.ApproverEmails, Assert.Single(validation.Errors.Keys)); // production wants approvers
        var fixedOrder = ValidOrders.DevOnly();
        fixedOrder.Environments = ["production", "staging", "dev"];
        fixedOrder.ApproverEmails = ["ops@acme.example"];
        Assert.Equal(["dev", "staging", "master"], Validate(fixedOrder).Order!.Environments.Select(e => e.Branch));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("shop-api-2")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghij")] // 40
    public void Good_host_names_pass(string name) => Assert.True(Validate(o => o.Name = name).IsValid);

    [Theory]
    [InlineData("", "Enter a name")]
    [InlineData("  ", "Enter a name")]
    [InlineData("Shop", "lower-case")]
    [InlineData("1shop", "starting with a letter")]
    [InlineData("shop_api", "lower-case")]
    [InlineData("shop--api", "single hyphens")]
    [InlineData("shop-", "not ending with a hyphen")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijk", "at most 40")]
    public void Bad_host_names_are_refused(string name, string message) =>
        AssertOnlyError(Validate(o => o.Name = name), HostOrderFields.Name, message);

    [Fact]
    public void The_plan_must_be_one_of_the_catalog()
    {
        Assert.True(Validate(o => o.Plan = "LARGE").IsValid);
        AssertOnlyError(Validate(o => o.Plan = "huge"), HostOrderFields.Plan, "small, medium, large");
        AssertOnlyError(Validate(o => o.Plan = null), HostOrderFields.Plan, "Choose a plan");
    }

    [Fact]
    public void At_least_one_known_environment_is_needed()
    {
        AssertOnlyError(Validate(o => o.Environments = [], ValidOrders.DevOnly), HostOrderFields.Environments, "at least one");
        AssertOnlyError(Validate(o => o.Environments = ["dev", "prod"], ValidOrders.DevOnly), HostOrderFields.Environments, "'prod' is not an environment");
        Assert.True(Validate(o => o.Environments = ["staging"], ValidOrders.DevOnly).IsValid);
    }

    [Theory]
    [InlineData("feature/new-shop")]
    [InlineData("release-1.2")]
    [InlineData("trunk")]
    public void Good_branch_names_pass(string branch) => Assert.True(Validate(o => o.DevBranch = branch).IsValid);

    [Theory]
    [InlineData("has space")]
    [InlineData("a..b")]
    [InlineData("-dash")]
    [InlineData("/leading")]
    [InlineData("trailing/")]
    [InlineData("double//slash")]
    [InlineData("ends.")]
    [InlineData("x.lock")]
    [InlineData(".hidden")]
    [InlineData("a/.hidden")]
    [InlineData("at@{brace")]
    [InlineData("@")]
    [InlineData("HEAD")]
    [InlineData("tilde~1")]
    [InlineData("caret^")]
    [InlineData("colon:")]
    [InlineData("question?")]
    [InlineData("star*")]
    [InlineData("bracket[")]
    [InlineData("back\\slash")]
    public void Bad_branch_names_are_refused(string branch) =>
        AssertOnlyError(Validate(o => o.ProductionBranch = branch), HostOrderFields.ProductionBranch);

    [Fact]
    public void Each_environment_needs_its_own_branch()
    {
        AssertOnlyError(Validate(o => o.ProductionBranch = "develop"), HostOrderFields.ProductionBranch, "dev already deploys from 'develop'");
        // A branch of an environment not ordered is ignored.
        Assert.True(Validate(o => o.StagingBranch = "develop").IsValid);
    }

    [Theory]
    [InlineData("group/project")]
    [InlineData("group/sub/project")]
    [InlineData("my.group/my_project-2")]
    public void Good_gitlab_paths_pass(string path) =>
        Assert.True(Validate(o => { o.GitLabProjectPath = path; o.GitLabProjectUrl = $"https://gitlab.example.com/{path}.git"; }).IsValid);

    [Theory]
    [InlineData("", "Enter the project's path")]
    [InlineData("project", "namespace and project")]
    [InlineData("group/-project", "namespace and project")]
    [InlineData("group/pro ject", "namespace and project")]
    [InlineData("group/project.git", "namespace and project")]
    [InlineData("group/../project", "namespace and project")]
    public void Bad_gitlab_paths_are_refused(string path, string message) =>
        AssertOnlyError(Validate(o => o.GitLabProjectPath = path), HostOrderFields.GitLabProjectPath, message);

    [Theory]
    [InlineData("https://gitlab.example.com/acme/shop")]
    [InlineData("https://gitlab.example.com/acme/shop.git")]
    [InlineData("https://example.com/gitlab/acme/shop/")]
    public void Good_gitlab_urls_pass(string url) => Assert.True(Validate(o => o.GitLabProjectUrl = url).IsValid);

    [Theory]
    [InlineData("", "HTTPS URL")]
    [InlineData("http://gitlab.example.com/acme/shop", "https://")]
    [InlineData("git@gitlab.example.com:acme/shop.git", "https://")]
    [InlineData("https://user:secret@gitlab.example.com/acme/shop", "user name")]
    [InlineData("https://gitlab.example.com/acme/shop?x=1", "query")]
    [InlineData("https://gitlab.example.com/acme/other", "does not point at the project 'acme/shop'")]
    public void Bad_gitlab_urls_are_refused(string url, string message) =>
        AssertOnlyError(Validate(o => o.GitLabProjectUrl = url), HostOrderFields.GitLabProjectUrl, message);

    [Theory]
    [InlineData("/")]
    [InlineData("/healthz")]
    [InlineData("/api/v1/status?full=1")]
    public void Good_health_check_paths_pass(string path) => Assert.True(Validate(o => o.HealthCheckPath = path).IsValid);

    [Theory]
    [InlineData("health")]
    [InlineData("/with space")]
    [InlineData("/<script>")]
    public void Bad_health_check_paths_are_refused(string path) =>
        AssertOnlyError(Validate(o => o.HealthCheckPath = path), HostOrderFields.HealthCheckPath, "Start with '/'");

    [Fact]
    public void Approvers_are_e_mail_addresses_at_most_five_distinct_and_required_with_production()
    {
        AssertOnlyError(Validate(o => o.ApproverEmails = ["ops@acme.example", "not-an-email"]), HostOrderFields.ApproverEmails, "'not-an-email' is not an e-mail address");
        AssertOnlyError(Validate(o => o.ApproverEmails = ["Name <ops@acme.example>"]), HostOrderFields.ApproverEmails, "not an e-mail");
        AssertOnlyError(Validate(o => o.ApproverEmails = ["ops@acme.example", "OPS@acme.example"]), HostOrderFields.ApproverEmails, "more than once");
        AssertOnlyError(Validate(o => o.ApproverEmails = Enumerable.Range(1, 6).Select(i => $"a{i}@acme.example").ToList()), HostOrderFields.ApproverEmails, "at most 5");
        AssertOnlyError(Validate(o => o.ApproverEmails = []), HostOrderFields.ApproverEmails, "at least one approver");
        Assert.True(Validate(o => o.ApproverEmails = Enumerable.Range(1, 5).Select(i => $"a{i}@acme.example").ToList()).IsValid);
        Assert.True(Validate(ValidOrders.DevOnly()).IsValid); // no production, no approvers needed
    }

    [Fact]
    public void A_custom_domain_needs_a_certificate_and_a_certificate_needs_a_domain()
    {
        AssertOnlyError(Validate(o => o.CertificateArn = null), HostOrderFields.CertificateArn, "needs the ARN");
        AssertOnlyError(Validate(o => o.CustomDomain = " "), HostOrderFields.CustomDomain, "Enter the custom domain");
        var neither = Validate(o => { o.CustomDomain = null; o.CertificateArn = null; });
        Assert.True(neither.IsValid);
        Assert.Null(neither.Order!.CustomDomain);
    }

    [Theory]
    [InlineData("https://www.acme.example")]
    [InlineData("www.acme.example/path")]
    [InlineData("www.acme.example:443")]
    [InlineData("acme")]
    [InlineData("-bad.acme.example")]
    [InlineData("*.acme.example")]
    public void Bad_domains_are_refused(string domain) =>
        AssertOnlyError(Validate(o => o.CustomDomain = domain), HostOrderFields.CustomDomain, "domain name");

    [Fact]
    public void Domains_are_compared_in_lower_case() =>
        Assert.Equal("shop.acme.example", Validate(o => o.CustomDomain = "Shop.ACME.example").Order!.CustomDomain);

    [Theory]
    [InlineData("arn:aws:acm:eu-west-1:12345678901:certificate/abc")]   // 11-digit account
    [InlineData("arn:aws:iam::123456789012:server-certificate/abc")]
    [InlineData("arn:aws:acm:eu-west-1:123456789012:key/abc")]
    [InlineData("not-an-arn")]
    public void Bad_certificate_arns_are_refused(string arn) =>
        AssertOnlyError(Validate(o => o.CertificateArn = arn), HostOrderFields.CertificateArn, "ACM certificate ARN");

    [Fact]
    public void A_custom_domain_is_for_production_only()
    {
        var validation = Validate(o => { o.Environments = ["dev"]; o.DeploymentStyle = null; });
        AssertOnlyError(validation, HostOrderFields.CustomDomain, "production only");
    }

    [Theory]
    [InlineData("in-place", DeploymentStyle.InPlace)]
    [InlineData("InPlace", DeploymentStyle.InPlace)]
    [InlineData("blue-green", DeploymentStyle.BlueGreen)]
    [InlineData("BlueGreen", DeploymentStyle.BlueGreen)]
    [InlineData("zonal", DeploymentStyle.Zonal)]
    public void Deployment_styles_are_read_in_either_spelling(string text, DeploymentStyle style) =>
        Assert.Equal(style, Validate(o => o.DeploymentStyle = text).Order!.DeploymentStyle);

    [Fact]
    public void Only_production_deploys_other_than_in_place()
    {
        AssertOnlyError(Validate(o => o.DeploymentStyle = "canary"), HostOrderFields.DeploymentStyle, "in-place, blue-green or zonal");
        AssertOnlyError(Validate(o => o.DeploymentStyle = "zonal", ValidOrders.DevOnly), HostOrderFields.DeploymentStyle, "for production");
        Assert.True(Validate(o => o.DeploymentStyle = "in-place", ValidOrders.DevOnly).IsValid);
    }

    [Fact]
    public void The_database_engine_is_none_postgres_or_mysql_with_storage_in_range()
    {
        AssertOnlyError(Validate(o => o.DatabaseEngine = "oracle"), HostOrderFields.DatabaseEngine, "none, postgres or mysql");
        Assert.Equal("postgres", Validate(o => o.DatabaseEngine = "PostgreSQL").Order!.Database.Engine);
        AssertOnlyError(Validate(o => o.DatabaseStorageGb = 19), HostOrderFields.DatabaseStorageGb, "between 20 and 16384");
        AssertOnlyError(Validate(o => o.DatabaseStorageGb = 16385), HostOrderFields.DatabaseStorageGb, "between 20 and 16384");
        Assert.True(Validate(o => o.DatabaseStorageGb = 16384).IsValid);
    }

    [Fact]
    public void Without_a_database_there_is_no_multi_az_and_storage_does_not_matter()
    {
        AssertOnlyError(Validate(o => { o.DatabaseEngine = "none"; o.DatabaseMultiAz = true; }), HostOrderFields.DatabaseMultiAz, "Multi-AZ");
        var none = Validate(o => { o.DatabaseEngine = "none"; o.DatabaseMultiAz = false; o.DatabaseStorageGb = 1; });
        Assert.True(none.IsValid);
        Assert.False(none.Order!.Database.Exists);
    }

    [Fact]
    public void Instances_run_from_one_to_the_plans_maximum_with_min_at_most_max()
    {
        AssertOnlyError(Validate(o => o.MinInstances = 0), HostOrderFields.MinInstances, "at least one");
        AssertOnlyError(Validate(o => { o.MinInstances = 3; o.MaxInstances = 2; }), HostOrderFields.MaxInstances, "at least the minimum (3)");
        AssertOnlyError(Validate(o => o.MaxInstances = 5), HostOrderFields.MaxInstances, "medium plan allows at most 4");
        Assert.True(Validate(o => { o.MinInstances = 4; o.MaxInstances = 4; }).IsValid);
        // Only a minimum: the maximum stays the plan's.
        Assert.Equal((3, 4), Validate(o => { o.MinInstances = 3; o.MaxInstances = null; }).Order is { } v ? (v.MinInstances, v.MaxInstances) : default);
    }

    [Fact]
    public void Several_errors_come_back_together_keyed_by_field()
    {
        var validation = Validate(new HostOrder { Name = "Bad Name", Plan = "huge", Environments = ["production"], ApproverEmails = ["x"], CertificateArn = "nope" });

        Assert.Equal(
            new[] { HostOrderFields.Name, HostOrderFields.Plan, HostOrderFields.GitLabProjectPath, HostOrderFields.GitLabProjectUrl,
                    HostOrderFields.ApproverEmails, HostOrderFields.CustomDomain, HostOrderFields.CertificateArn }.Order(),
            validation.Errors.Keys.Order());
    }

    [Fact]
    public void The_name_rule_is_the_templates_rule()
    {
        // Whatever the validator accepts, the renderer accepts too.
        var order = Validate(ValidOrders.DevOnly()).Order!;
        var host = new Host { Name = order.Name, Plan = order.Plan };
        new HostEnvironmentOrder("acme", host, new HostEnvironment { Kind = EnvironmentKind.Dev, Branch = "dev" }).Validate();
    }
}
