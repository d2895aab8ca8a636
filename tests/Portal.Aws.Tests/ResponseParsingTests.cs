using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.ElasticLoadBalancing;
using Portal.Aws.SecretsManager;
using Portal.Aws.Tests.Support;
using Portal.Tests.Support;

namespace Portal.Aws.Tests;

/// <summary>A loopback endpoint answering every operation with AWS's sample response (samples/), shared by a test class.</summary>
public sealed class SampleEndpoint : IAsyncLifetime
{
    public AwsLoopbackServer Server { get; private set; } = null!;
    public AwsTestClients Clients { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await AwsLoopbackServer.StartAsync(AwsSamples.SuccessFor, record: false);
        Clients = new AwsTestClients(Server.Url);
    }

    public async Task DisposeAsync()
    {
        Clients.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Every operation's answer, as AWS documents it (samples/), parsed into the portal's models.</summary>
public class ResponseParsingTests(SampleEndpoint endpoint) : IClassFixture<SampleEndpoint>
{
    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
    private static DateTimeOffset Epoch(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private const string MyStackId = "arn:aws:cloudformation:us-east-1:123456789:stack/MyStack/aaf549a0-a413-11df-adb3-5081b3858e83";

    private ICloudFormation CloudFormation => endpoint.Clients.CloudFormation;
    private ILoadBalancerRules Rules => endpoint.Clients.LoadBalancerRules;
    private IPipelines Pipelines => endpoint.Clients.Pipelines;
    private ISecrets Secrets => endpoint.Clients.Secrets;

    [Fact]
    public async Task CreateStack_and_UpdateStack_return_the_stack_id()
    {
        Assert.Equal(MyStackId, await CloudFormation.CreateStackAsync(new CreateStackRequest("MyStack", "{}")));
        Assert.Equal(new StackUpdate.Started(MyStackId), await CloudFormation.UpdateStackAsync(new UpdateStackRequest("MyStack", "{}")));
    }

    [Fact]
    public async Task Operations_without_a_result_complete()
    {
        await CloudFormation.DeleteStackAsync("MyStack");
        await CloudFormation.ExecuteChangeSetAsync("SampleChangeSet", "SampleStack");
        await CloudFormation.DeleteChangeSetAsync("SampleChangeSet", "SampleStack");
        await Rules.DeleteRuleAsync("arn:rule");
    }

    [Fact]
    public async Task DescribeStacks_reads_status_times_parameters_outputs_tags_and_the_next_token()
    {
        var page = await CloudFormation.DescribeStacksAsync();

        Assert.Equal("eyJzdGFja3MiOjJ9", page.NextToken);
        Assert.Equal(2, page.Items.Count);
        var stack = page.Items[0];
        Assert.Equal(MyStackId, stack.StackId);
        Assert.Equal("MyStack", stack.StackName);
        Assert.Equal("UPDATE_IN_PROGRESS", stack.StackStatus);
        Assert.True(stack.InProgress);
        Assert.Equal("User Initiated", stack.StackStatusReason);
        Assert.Equal(Utc("2010-07-27T22:28:28Z"), stack.CreationTime);
        Assert.Equal(Utc("2010-07-28T09:01:12.481Z"), stack.LastUpdatedTime);
        Assert.Equal([new("InstanceType", "t3.small"), new("DatabasePassword", "****")], stack.Parameters);
        Assert.Equal("http://my-load-balancer.amazonaws.com:80/index.html", stack.Outputs["StartPage"]);
        Assert.Equal("acme-shop-production", stack.Outputs["PipelineName"]);
        Assert.Equal([new StackInputTag("portal:customer", "acme")], stack.Tags);

        var other = page.Items[1];
        Assert.Equal("CREATE_COMPLETE", other.StackStatus);
        Assert.False(other.InProgress);
        Assert.Null(other.LastUpdatedTime);
        Assert.Null(other.StackStatusReason);
        Assert.Empty(other.Outputs);
        Assert.Empty(other.Parameters);
    }

    [Fact]
    public async Task DescribeStack_returns_the_first_stack()
    {
        var stack = await CloudFormation.DescribeStackAsync("MyStack");

        Assert.Equal("MyStack", stack?.StackName);
    }

    [Fact]
    public async Task DescribeStackEvents_reads_events_newest_first_and_the_next_token()
    {
        var page = await CloudFormation.DescribeStackEventsAsync("MyStack");

        Assert.Equal("ZXZlbnRzLXBhZ2UtMg==", page.NextToken);
        Assert.Equal(["Event-1-Id", "Event-2-Id", "Event-3-Id"], page.Items.Select(e => e.EventId));
        var first = page.Items[0];
        Assert.Equal(new StackEventDescription("Event-1-Id", MyStackId, "MyStack", "MyStack", "MyStack_One", "AWS::CloudFormation::Stack",
            Utc("2010-07-27T22:26:28Z"), "CREATE_IN_PROGRESS", "User initiated", "Console-CreateStack-7f59c3cf-00d2-40c7-b2ff-e75db0987002"), first);
        Assert.Null(page.Items[2].ResourceStatusReason);
        Assert.Equal("CREATE_COMPLETE", page.Items[2].ResourceStatus);
    }

    [Fact]
    public async Task DescribeStackResources_reads_each_resource()
    {
        var resources = await CloudFormation.DescribeStackResourcesAsync("MyStack");

        Assert.Equal(
            [
                new StackResourceDescription("MyDBInstance", "MyStack_DB1", "AWS::DBInstance", Utc("2010-07-27T22:27:28Z"), "CREATE_COMPLETE", null),
                new StackResourceDescription("MyAutoScalingGroup", "MyStack_ASG1", "AWS::AutoScalingGroup", Utc("2010-07-27T22:28:28Z"), "CREATE_IN_PROGRESS", null),
            ],
            resources);
    }

    [Fact]
    public async Task CreateChangeSet_returns_the_change_set_and_stack_ids()
    {
        var created = await CloudFormation.CreateChangeSetAsync(new CreateChangeSetRequest("SampleStack", "SampleChangeSet", "{}"));

        Assert.Equal("arn:aws:cloudformation:us-east-1:123456789012:changeSet/SampleChangeSet/12a3b456-0e10-4ce0-9052-5d484a8c4e5b", created.Id);
        Assert.Equal("arn:aws:cloudformation:us-east-1:123456789012:stack/SampleStack/12a3b456-0e10-4ce0-9052-5d484a8c4e5b", created.StackId);
    }

    [Fact]
    public async Task DescribeChangeSet_reads_status_and_each_resource_change()
    {
        var changeSet = await CloudFormation.DescribeChangeSetAsync("SampleChangeSet-direct", "SampleStack");

        Assert.Equal("arn:aws:cloudformation:us-east-1:123456789012:changeSet/SampleChangeSet-direct/9edde307-960d-4e6e-ad66-b6b4e1c3c5b4", changeSet.ChangeSetId);
        Assert.Equal("SampleChangeSet-direct", changeSet.ChangeSetName);
        Assert.Equal("SampleStack", changeSet.StackName);
        Assert.Equal("CREATE_COMPLETE", changeSet.Status);
        Assert.Equal("AVAILABLE", changeSet.ExecutionStatus);
        Assert.Null(changeSet.StatusReason);
        Assert.Null(changeSet.NextToken);
        Assert.Equal(2, changeSet.Changes.Count);
        var modify = changeSet.Changes[0];
        Assert.Equal(("Modify", "MyEC2Instance", "i-1abc23d4", "AWS::EC2::Instance", "False"),
            (modify.Action, modify.LogicalResourceId, modify.PhysicalResourceId, modify.ResourceType, modify.Replacement));
        Assert.Equal(["Properties"], modify.Scope);
        var add = changeSet.Changes[1];
        Assert.Equal(("Add", "HostRule", null, null), (add.Action, add.LogicalResourceId, add.PhysicalResourceId, add.Replacement));
        Assert.Empty(add.Scope);
    }

    [Fact]
    public async Task ValidateTemplate_reads_parameters_capabilities_and_the_reason()
    {
        var validation = await CloudFormation.ValidateTemplateAsync("{}");

        Assert.Equal("Sample template", validation.Description);
        Assert.Equal(
            [
                new TemplateParameterInfo("KeyName", null, false, "Name of an existing EC2 KeyPair to enable SSH access to the instance"),
                new TemplateParameterInfo("DatabasePassword", "change-me", true, null),
            ],
            validation.Parameters);
        Assert.Equal(["CAPABILITY_IAM"], validation.Capabilities);
        Assert.Equal("The following resource(s) require capabilities: [AWS::IAM::Role]", validation.CapabilitiesReason);
    }

    [Fact]
    public async Task DescribeListeners_pages_through_every_listener()
    {
        var listeners = await Rules.DescribeListenersAsync("arn:lb");

        Assert.Equal(4, listeners.Count); // two pages of the sample
        var http = listeners[0];
        Assert.Equal((80, "HTTP", null), (http.Port, http.Protocol, http.SslPolicy));
        Assert.Empty(http.CertificateArns);
        var https = listeners[1];
        Assert.Equal((443, "HTTPS", "ELBSecurityPolicy-2016-08"), (https.Port, https.Protocol, https.SslPolicy));
        Assert.Equal(["arn:aws:iam::123456789012:server-certificate/my-server-cert"], https.CertificateArns);
        Assert.Equal("arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188", https.LoadBalancerArn);
    }

    [Fact]
    public async Task DescribeRules_reads_conditions_from_configs_or_values_and_every_action_kind()
    {
        var rules = await Rules.DescribeRulesAsync("arn:listener");

        Assert.Equal(6, rules.Count); // two pages of the sample
        var path = rules[0];
        Assert.Equal(("10", 10, false), (path.Priority, path.NumericPriority, path.IsDefault));
        Assert.Equal("path-pattern", path.Conditions.Single().Field);
        Assert.Equal(["/img/*"], path.Conditions.Single().Values);
        Assert.Equal(new RuleActionInfo("forward", null, "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067"), path.Actions.Single());

        var host = rules[1];
        Assert.Equal(["shop-production.acme.example.com", "www.acme.example"], host.Conditions.Single().Values);
        Assert.Equal(new RuleActionInfo("forward", 1, "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/shop-production/1a2b3c4d5e6f7a8b"), host.Actions.Single());

        var fallback = rules[2];
        Assert.Equal(("default", null, true), (fallback.Priority, fallback.NumericPriority, fallback.IsDefault));
        Assert.Empty(fallback.Conditions);
        Assert.Equal(new RedirectInfo("HTTP_301", "HTTPS", "443", "#{host}", "/#{path}", "#{query}"), fallback.Actions.Single().Redirect);
    }

    [Fact]
    public async Task CreateRule_ModifyRule_and_SetRulePriorities_return_the_rules()
    {
        var created = await Rules.CreateRuleAsync(new CreateRuleRequest("arn:listener", 10, [new("path-pattern", ["/img/*"])], [new("forward", TargetGroupArn: "arn:tg")]));
        Assert.Equal("arn:aws:elasticloadbalancing:us-west-2:123456789012:listener-rule/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee", created.RuleArn);
        Assert.Equal(10, created.NumericPriority);

        var modified = await Rules.ModifyRuleAsync(new ModifyRuleRequest(created.RuleArn) { Conditions = [new("path-pattern", ["/images/*"])] });
        Assert.Equal(["/images/*"], modified.Conditions.Single().Values);

        var reordered = await Rules.SetRulePrioritiesAsync([new(created.RuleArn, 5)]);
        Assert.Equal("5", reordered.Single().Priority);
    }

    [Fact]
    public async Task DescribeTargetHealth_reads_each_target()
    {
        var health = await Rules.DescribeTargetHealthAsync("arn:tg");

        Assert.Equal(
            [
                new TargetHealthInfo("i-0376fadf", 80, "healthy", null, null),
                new TargetHealthInfo("i-0376fade", 80, "unhealthy", "Target.FailedHealthChecks", "Health checks failed"),
            ],
            health);
    }

    [Fact]
    public async Task StartExecution_StopExecution_and_RetryStageExecution_return_the_execution_id()
    {
        Assert.Equal("3137f7cb-7cf7-039j-s83l-d7eu3EXAMPLE", await Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("MyFirstPipeline")));
        Assert.Equal("42ee4d10-e4de-a37c-82b7-36c11EXAMPLE", await Pipelines.StopExecutionAsync("MyFirstPipeline", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE"));
        Assert.Equal("42ee4d10-e4de-a37c-82b7-36c11EXAMPLE", await Pipelines.RetryStageExecutionAsync("MyFirstPipeline", "Beta", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE"));
    }

    [Fact]
    public async Task GetPipelineState_reads_stages_actions_the_approval_token_and_errors()
    {
        var state = await Pipelines.GetStateAsync("MyFirstPipeline");

        Assert.Equal(("MyFirstPipeline", 1), (state.PipelineName, state.PipelineVersion));
        Assert.Equal(Epoch(1446137312204), state.Updated);
        Assert.Equal(["Source", "Approval", "Beta"], state.Stages.Select(s => s.StageName));

        var source = state.Stages[0];
        Assert.Equal(new StageExecutionInfo("42ee4d10-e4de-a37c-82b7-36c11EXAMPLE", "Succeeded"), source.LatestExecution);
        Assert.Equal(new ActionExecutionInfo(null, "Succeeded", null, Epoch(1446137358328), null, null, null), source.Actions.Single().LatestExecution);

        var approval = state.Stages[1].Actions.Single();
        Assert.Equal("ApproveRelease", approval.ActionName);
        Assert.Equal(("InProgress", "0123aaaa-4567-bbbb-8910-cccc11EXAMPLE"), (approval.LatestExecution?.Status, approval.LatestExecution?.Token));

        var beta = state.Stages[2];
        Assert.Null(beta.LatestExecution);
        var deploy = beta.Actions.Single().LatestExecution!;
        Assert.Equal(("Failed", "Deployment Failed", "JobFailed"), (deploy.Status, deploy.Summary, deploy.ErrorCode));
        Assert.StartsWith("Deployment d-EXAMPLE failed", deploy.ErrorMessage);
    }

    [Fact]
    public async Task GetPipelineExecution_reads_status_variables_and_revisions()
    {
        var execution = await Pipelines.GetExecutionAsync("MyFirstPipeline", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE");

        Assert.Equal(("MyFirstPipeline", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE", "Succeeded", "Approved by operator@example.com"),
            (execution.PipelineName, execution.PipelineExecutionId, execution.Status, execution.StatusSummary));
        Assert.Equal(new Dictionary<string, string> { ["CommitId"] = "7636d59f3c461cEXAMPLE8417dbc6371", ["Branch"] = "main" }, execution.Variables);
        Assert.Equal([new ArtifactRevisionInfo("MyApp", "7636d59f3c461cEXAMPLE8417dbc6371", "Updating the application for feature 12-4820")], execution.ArtifactRevisions);
    }

    [Fact]
    public async Task ListPipelineExecutions_reads_summaries_triggers_and_the_next_token()
    {
        var page = await Pipelines.ListExecutionsAsync("MyFirstPipeline");

        Assert.Equal("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9EXAMPLE", page.NextToken);
        Assert.Equal(
            new PipelineExecutionSummary("7cf7f7cb-3137-539g-j458-d7eu3EXAMPLE", "Succeeded", null, Epoch(1496380258243), Epoch(1496380678648),
                "StartPipelineExecution", "arn:aws:sts::123456789012:assumed-role/portal/session"),
            page.Items[0]);
        Assert.Equal(("Failed", "Deployment failed", null), (page.Items[1].Status, page.Items[1].StatusSummary, page.Items[1].TriggerType));
    }

    [Fact]
    public async Task ListActionExecutions_reads_each_actions_status_build_id_and_output_artifacts()
    {
        var action = Assert.Single(await Pipelines.ListActionExecutionsAsync("acme-shop-production-infra", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE"));

        Assert.Equal(("BakeAmi", "Packer", "Succeeded", "acme-shop-production-ami:0f1e2d3c-0000-4000-8000-00000EXAMPLE", "Build succeeded", null),
            (action.StageName, action.ActionName, action.Status, action.ExternalExecutionId, action.Summary, action.ErrorMessage));
        Assert.Equal([new ArtifactLocation("AmiManifest", "portal-artifacts", "acme-shop-production/AmiManifes/Zx9Yw8v")], action.OutputArtifacts);
    }

    [Fact]
    public async Task PutApprovalResult_returns_when_it_was_recorded()
    {
        var approvedAt = await Pipelines.PutApprovalResultAsync(new ApprovalResultRequest("MyFirstPipeline", "Approval", "ApproveRelease", "token", true, "ok"));

        Assert.Equal(Epoch(1516296856221), approvedAt);
    }

    [Fact]
    public async Task CreateSecret_and_PutSecretValue_return_the_version()
    {
        Assert.Equal(new SecretVersionRef("arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestDatabaseSecret-a1b2c3", "MyTestDatabaseSecret", "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1"),
            await Secrets.CreateSecretAsync(new CreateSecretRequest("MyTestDatabaseSecret", "{}")));
        Assert.Equal("EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE", (await Secrets.PutSecretValueAsync("MyTestDatabaseSecret", "{}")).VersionId);
    }

    [Fact]
    public async Task GetSecretValue_reads_the_value_without_ever_printing_it()
    {
        var secret = await Secrets.GetSecretValueAsync("MyTestDatabaseSecret");

        Assert.Contains("\"password\":\"EXAMPLE-PASSWORD\"", secret.SecretString);
        Assert.Equal(["AWSPREVIOUS"], secret.VersionStages);
        Assert.Equal(Epoch(1523477145713), secret.CreatedDate);
        Assert.DoesNotContain("EXAMPLE-PASSWORD", secret.ToString());
    }

    [Fact]
    public async Task DescribeSecret_reads_dates_tags_and_version_stages()
    {
        var secret = await Secrets.DescribeSecretAsync("MyTestDatabaseSecret");

        Assert.Equal(("My test database secret", "arn:aws:kms:us-west-2:123456789012:key/EXAMPLE1-90ab-cdef-fedc-ba987KMSKEY1"), (secret.Description, secret.KmsKeyId));
        Assert.Equal(Epoch(1523477145713), secret.CreatedDate);
        Assert.Equal(Epoch(1523477145729), secret.LastChangedDate);
        Assert.Null(secret.DeletedDate);
        Assert.Equal([new StackInputTag("SecondTag", "AnotherValue"), new StackInputTag("FirstTag", "SomeValue")], secret.Tags);
        Assert.Equal(["AWSCURRENT"], secret.VersionIdsToStages["EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE"]);
        Assert.Equal(["AWSPREVIOUS"], secret.VersionIdsToStages["EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE"]);
    }

    [Fact]
    public async Task DeleteSecret_returns_the_deletion_date()
    {
        Assert.Equal(Epoch(1524085349095), await Secrets.DeleteSecretAsync("MyTestDatabaseSecret", 7));
    }
}
