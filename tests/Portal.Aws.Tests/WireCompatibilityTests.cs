using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.ElasticLoadBalancing;
using Portal.Aws.Protocol;
using Portal.Aws.SecretsManager;
using Portal.Aws.Tests.Support;
using Portal.Tests.Support;

namespace Portal.Aws.Tests;

/// <summary>
/// Proof 3: for every operation of ICloudFormation, IPipelines, ILoadBalancerRules and ISecrets, the request the C# client
/// sends equals the request the official AWS SDK for JavaScript v3 sends for the same input: same action or target,
/// API version, content type, signing service and region, and every parameter after decoding (form fields for the Query
/// protocol, parsed JSON for JSON 1.1). Both requests go to one capture server that answers AWS's sample responses, which
/// the JS SDK must parse without error. Each side's SigV4 signature is also recomputed with the portal's signer from the
/// headers the server received, so the signer agrees with the official SDK's on real requests.
/// </summary>
public partial class WireCompatibilityTests
{
    private const string Template = "AWSTemplateFormatVersion: '2010-09-09'\nDescription: Host stack — café & co = 100% + more?\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n";
    private const string StackArn = "arn:aws:cloudformation:us-east-1:123456789012:stack/acme-shop-production/aaf549a0-a413-11df-adb3-5081b3858e83";
    private const string ListenerArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2";
    private const string LoadBalancerArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/50dc6c495c0c9188";
    private const string RuleArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
    private const string TargetGroupArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/acme-shop-production/73e2d6bc24d8a067";
    private const string Token = "7f59c3cf-00d2-40c7-b2ff-e75db0987002";

    private static readonly JsonSerializerOptions JsInputOptions = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// One C# call and the JS SDK inputs of the requests it must produce (a call that pages produces one per page).
    /// <paramref name="Generated"/> names members both sides fill with a fresh UUID (idempotency tokens), compared by shape.
    /// </summary>
    private sealed record Case(string Name, string Service, string Operation, Func<AwsTestClients, Task> Send, object[] JsInputs, string[]? Generated = null);

    private static IEnumerable<Case> Cases()
    {
        // CloudFormation (Query protocol)
        yield return new("CreateStack with lists, tags, empty and previous values, booleans, numbers", "cloudformation", "CreateStack",
            c => c.CloudFormation.CreateStackAsync(new CreateStackRequest("acme-shop-production", Template)
            {
                Parameters = [new("InstanceType", "t3.small"), new("CustomDomain", ""), new("ImageId", UsePreviousValue: true)],
                Tags = [new("portal:customer", "acme"), new("portal:host", "shop"), new("portal:note", "")],
                Capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
                ClientRequestToken = Token,
                OnFailure = "DELETE",
                TimeoutInMinutes = 30,
                EnableTerminationProtection = false,
            }),
            [new
            {
                StackName = "acme-shop-production", TemplateBody = Template,
                Parameters = new object[]
                {
                    new { ParameterKey = "InstanceType", ParameterValue = "t3.small" },
                    new { ParameterKey = "CustomDomain", ParameterValue = "" },
                    new { ParameterKey = "ImageId", UsePreviousValue = true },
                },
                Tags = new[] { new { Key = "portal:customer", Value = "acme" }, new { Key = "portal:host", Value = "shop" }, new { Key = "portal:note", Value = "" } },
                Capabilities = new[] { "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM" },
                ClientRequestToken = Token, OnFailure = "DELETE", TimeoutInMinutes = 30, EnableTerminationProtection = false,
            }]);
        yield return new("CreateStack with only the required members", "cloudformation", "CreateStack",
            c => c.CloudFormation.CreateStackAsync(new CreateStackRequest("minimal", "{}")),
            [new { StackName = "minimal", TemplateBody = "{}" }]);
        yield return new("UpdateStack", "cloudformation", "UpdateStack",
            c => c.CloudFormation.UpdateStackAsync(new UpdateStackRequest("acme-shop-production", Template)
            {
                Parameters = [new("InstanceType", "t3.medium"), new("ImageId", UsePreviousValue: true)],
                Tags = [new("portal:customer", "acme")],
                Capabilities = ["CAPABILITY_AUTO_EXPAND"],
                ClientRequestToken = Token,
            }),
            [new
            {
                StackName = "acme-shop-production", TemplateBody = Template,
                Parameters = new object[] { new { ParameterKey = "InstanceType", ParameterValue = "t3.medium" }, new { ParameterKey = "ImageId", UsePreviousValue = true } },
                Tags = new[] { new { Key = "portal:customer", Value = "acme" } },
                Capabilities = new[] { "CAPABILITY_AUTO_EXPAND" },
                ClientRequestToken = Token,
            }]);
        yield return new("DeleteStack with a token", "cloudformation", "DeleteStack",
            c => c.CloudFormation.DeleteStackAsync(StackArn, Token),
            [new { StackName = StackArn, ClientRequestToken = Token }]);
        yield return new("DeleteStack without a token", "cloudformation", "DeleteStack",
            c => c.CloudFormation.DeleteStackAsync("acme-shop-production"),
            [new { StackName = "acme-shop-production" }]);
        yield return new("DeleteStack of a DELETE_FAILED stack, retaining resources, with a role", "cloudformation", "DeleteStack",
            c => c.CloudFormation.DeleteStackAsync("acme-shop-production", Token, roleArn: "arn:aws:iam::123456789012:role/portal-cfn",
                retainResources: ["Bucket", "LogGroup"]),
            [new { StackName = "acme-shop-production", ClientRequestToken = Token, RoleARN = "arn:aws:iam::123456789012:role/portal-cfn",
                RetainResources = new[] { "Bucket", "LogGroup" } }]);
        yield return new("ContinueUpdateRollback skipping resources", "cloudformation", "ContinueUpdateRollback",
            c => c.CloudFormation.ContinueUpdateRollbackAsync(StackArn, ["Instance", "Nested.Queue"], Token, "arn:aws:iam::123456789012:role/portal-cfn"),
            [new { StackName = StackArn, ResourcesToSkip = new[] { "Instance", "Nested.Queue" }, ClientRequestToken = Token,
                RoleARN = "arn:aws:iam::123456789012:role/portal-cfn" }]);
        yield return new("ContinueUpdateRollback without skips", "cloudformation", "ContinueUpdateRollback",
            c => c.CloudFormation.ContinueUpdateRollbackAsync("acme-shop-production"),
            [new { StackName = "acme-shop-production" }]);
        yield return new("DescribeStacks of every stack", "cloudformation", "DescribeStacks",
            c => c.CloudFormation.DescribeStacksAsync(),
            [new { }]);
        yield return new("DescribeStacks with a pagination token", "cloudformation", "DescribeStacks",
            c => c.CloudFormation.DescribeStacksAsync("acme-shop-production", "eyJzdGFja3MiOjJ9"),
            [new { StackName = "acme-shop-production", NextToken = "eyJzdGFja3MiOjJ9" }]);
        yield return new("DescribeStack (one stack)", "cloudformation", "DescribeStacks",
            c => c.CloudFormation.DescribeStackAsync(StackArn),
            [new { StackName = StackArn }]);
        yield return new("DescribeStackEvents with a pagination token", "cloudformation", "DescribeStackEvents",
            c => c.CloudFormation.DescribeStackEventsAsync("acme-shop-production", "ZXZlbnRzLXBhZ2UtMg=="),
            [new { StackName = "acme-shop-production", NextToken = "ZXZlbnRzLXBhZ2UtMg==" }]);
        yield return new("DescribeStackResources", "cloudformation", "DescribeStackResources",
            c => c.CloudFormation.DescribeStackResourcesAsync("acme-shop-production"),
            [new { StackName = "acme-shop-production" }]);
        yield return new("CreateChangeSet", "cloudformation", "CreateChangeSet",
            c => c.CloudFormation.CreateChangeSetAsync(new CreateChangeSetRequest("acme-shop-production", "portal-42", Template)
            {
                Parameters = [new("InstanceType", "t3.large")],
                Tags = [new("portal:customer", "acme")],
                Capabilities = ["CAPABILITY_IAM"],
                ChangeSetType = "CREATE",
                Description = "Resize to t3.large",
                ClientToken = Token,
            }),
            [new
            {
                StackName = "acme-shop-production", ChangeSetName = "portal-42", TemplateBody = Template,
                Parameters = new[] { new { ParameterKey = "InstanceType", ParameterValue = "t3.large" } },
                Tags = new[] { new { Key = "portal:customer", Value = "acme" } },
                Capabilities = new[] { "CAPABILITY_IAM" },
                ChangeSetType = "CREATE", Description = "Resize to t3.large", ClientToken = Token,
            }]);
        yield return new("DescribeChangeSet with a pagination token", "cloudformation", "DescribeChangeSet",
            c => c.CloudFormation.DescribeChangeSetAsync("portal-42", "acme-shop-production", "Y2hhbmdlcy0y"),
            [new { ChangeSetName = "portal-42", StackName = "acme-shop-production", NextToken = "Y2hhbmdlcy0y" }]);
        yield return new("ExecuteChangeSet", "cloudformation", "ExecuteChangeSet",
            c => c.CloudFormation.ExecuteChangeSetAsync("portal-42", "acme-shop-production", Token),
            [new { ChangeSetName = "portal-42", StackName = "acme-shop-production", ClientRequestToken = Token }]);
        yield return new("DeleteChangeSet", "cloudformation", "DeleteChangeSet",
            c => c.CloudFormation.DeleteChangeSetAsync("portal-42", "acme-shop-production"),
            [new { ChangeSetName = "portal-42", StackName = "acme-shop-production" }]);
        yield return new("ValidateTemplate", "cloudformation", "ValidateTemplate",
            c => c.CloudFormation.ValidateTemplateAsync(Template),
            [new { TemplateBody = Template }]);

        // Elastic Load Balancing v2 (Query protocol); the Describe calls page through every result (Marker)
        yield return new("DescribeListeners of a load balancer, two pages", "elasticloadbalancing", "DescribeListeners",
            c => c.LoadBalancerRules.DescribeListenersAsync(LoadBalancerArn),
            [new { LoadBalancerArn }, new { LoadBalancerArn, Marker = "bGlzdGVuZXJzLTI=" }]);
        yield return new("DescribeListeners by listener ARNs, two pages", "elasticloadbalancing", "DescribeListeners",
            c => c.LoadBalancerRules.DescribeListenersAsync(listenerArns: [ListenerArn, ListenerArn + "x"]),
            [new { ListenerArns = new[] { ListenerArn, ListenerArn + "x" } }, new { ListenerArns = new[] { ListenerArn, ListenerArn + "x" }, Marker = "bGlzdGVuZXJzLTI=" }]);
        yield return new("DescribeRules, two pages", "elasticloadbalancing", "DescribeRules",
            c => c.LoadBalancerRules.DescribeRulesAsync(ListenerArn),
            [new { ListenerArn }, new { ListenerArn, Marker = "bWFya2VyLTI=" }]);
        yield return new("CreateRule with every condition kind, a forward action and tags", "elasticloadbalancing", "CreateRule",
            c => c.LoadBalancerRules.CreateRuleAsync(new CreateRuleRequest(ListenerArn, 10,
                [
                    new("host-header", ["shop-production.acme.example.com", "www.acme.example"]),
                    new("path-pattern", ["/api/*"]),
                    new("http-request-method", ["GET", "HEAD"]),
                    new("source-ip", ["10.0.0.0/8"]),
                ],
                [new("forward", Order: 1, TargetGroupArn: TargetGroupArn)])
            {
                Tags = [new("portal:customer", "acme"), new("portal:environment", "production")],
            }),
            [new
            {
                ListenerArn, Priority = 10,
                Conditions = new object[]
                {
                    new { Field = "host-header", HostHeaderConfig = new { Values = new[] { "shop-production.acme.example.com", "www.acme.example" } } },
                    new { Field = "path-pattern", PathPatternConfig = new { Values = new[] { "/api/*" } } },
                    new { Field = "http-request-method", HttpRequestMethodConfig = new { Values = new[] { "GET", "HEAD" } } },
                    new { Field = "source-ip", SourceIpConfig = new { Values = new[] { "10.0.0.0/8" } } },
                },
                Actions = new[] { new { Type = "forward", Order = 1, TargetGroupArn } },
                Tags = new[] { new { Key = "portal:customer", Value = "acme" }, new { Key = "portal:environment", Value = "production" } },
            }]);
        yield return new("CreateRule with a redirect", "elasticloadbalancing", "CreateRule",
            c => c.LoadBalancerRules.CreateRuleAsync(new CreateRuleRequest(ListenerArn, 50000,
                [new("host-header", ["acme.example"])],
                [new("redirect", Redirect: new RedirectInfo("HTTP_301", "HTTPS", "443", "#{host}", "/#{path}", "#{query}"))])),
            [new
            {
                ListenerArn, Priority = 50000,
                Conditions = new[] { new { Field = "host-header", HostHeaderConfig = new { Values = new[] { "acme.example" } } } },
                Actions = new[] { new { Type = "redirect", RedirectConfig = new { Protocol = "HTTPS", Port = "443", Host = "#{host}", Path = "/#{path}", Query = "#{query}", StatusCode = "HTTP_301" } } },
            }]);
        yield return new("ModifyRule clearing the conditions (empty list) with a fixed response", "elasticloadbalancing", "ModifyRule",
            c => c.LoadBalancerRules.ModifyRuleAsync(new ModifyRuleRequest(RuleArn)
            {
                Conditions = [],
                Actions = [new("fixed-response", FixedResponse: new FixedResponseInfo("503", "text/plain", "host not found"))],
            }),
            [new
            {
                RuleArn,
                Conditions = Array.Empty<object>(),
                Actions = new[] { new { Type = "fixed-response", FixedResponseConfig = new { StatusCode = "503", ContentType = "text/plain", MessageBody = "host not found" } } },
            }]);
        yield return new("ModifyRule changing only the actions", "elasticloadbalancing", "ModifyRule",
            c => c.LoadBalancerRules.ModifyRuleAsync(new ModifyRuleRequest(RuleArn) { Actions = [new("forward", TargetGroupArn: TargetGroupArn)] }),
            [new { RuleArn, Actions = new[] { new { Type = "forward", TargetGroupArn } } }]);
        yield return new("DeleteRule", "elasticloadbalancing", "DeleteRule",
            c => c.LoadBalancerRules.DeleteRuleAsync(RuleArn),
            [new { RuleArn }]);
        yield return new("SetRulePriorities", "elasticloadbalancing", "SetRulePriorities",
            c => c.LoadBalancerRules.SetRulePrioritiesAsync([new(RuleArn, 5), new(RuleArn + "2", 6)]),
            [new { RulePriorities = new[] { new { RuleArn, Priority = 5 }, new { RuleArn = RuleArn + "2", Priority = 6 } } }]);
        yield return new("DescribeTargetHealth", "elasticloadbalancing", "DescribeTargetHealth",
            c => c.LoadBalancerRules.DescribeTargetHealthAsync(TargetGroupArn),
            [new { TargetGroupArn }]);

        // CodePipeline (JSON 1.1)
        yield return new("StartPipelineExecution with a token and variables", "codepipeline", "StartPipelineExecution",
            c => c.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("acme-shop-production")
            {
                ClientRequestToken = Token,
                Variables = new Dictionary<string, string>
                {
                    ["CommitId"] = "7636d59f3c461c8417dbc6371",
                    ["Branch"] = "main",
                    ["Message"] = "Fix \"quotes\", ünïcode & newlines\nsecond line",
                    ["Empty"] = "",
                },
            }),
            [new
            {
                name = "acme-shop-production",
                variables = new[]
                {
                    new { name = "CommitId", value = "7636d59f3c461c8417dbc6371" },
                    new { name = "Branch", value = "main" },
                    new { name = "Message", value = "Fix \"quotes\", ünïcode & newlines\nsecond line" },
                    new { name = "Empty", value = "" },
                },
                clientRequestToken = Token,
            }]);
        yield return new("StartPipelineExecution on an S3 object version", "codepipeline", "StartPipelineExecution",
            c => c.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("acme-shop-dev")
            {
                ClientRequestToken = Token,
                SourceRevisions = SourceRevision.S3Object("SoftwareRepository", "hosts/acme/shop/dev/software/releases/0a1b.zip", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"),
            }),
            [new
            {
                name = "acme-shop-dev",
                sourceRevisions = new[]
                {
                    new { actionName = "SoftwareRepository", revisionType = "S3_OBJECT_KEY", revisionValue = "hosts/acme/shop/dev/software/releases/0a1b.zip" },
                    new { actionName = "SoftwareRepository", revisionType = "S3_OBJECT_VERSION_ID", revisionValue = "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY" },
                },
                clientRequestToken = Token,
            }]);
        yield return new("ListActionExecutions of one execution", "codepipeline", "ListActionExecutions",
            c => c.Pipelines.ListActionExecutionsAsync("acme-shop-production-infra", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE"),
            [new { pipelineName = "acme-shop-production-infra", filter = new { pipelineExecutionId = "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE" } }]);
        yield return new("StartPipelineExecution without a token (both generate one)", "codepipeline", "StartPipelineExecution",
            c => c.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("acme-shop-dev")),
            [new { name = "acme-shop-dev" }], ["clientRequestToken"]);
        yield return new("GetPipelineState", "codepipeline", "GetPipelineState",
            c => c.Pipelines.GetStateAsync("acme-shop-production"),
            [new { name = "acme-shop-production" }]);
        yield return new("GetPipelineExecution", "codepipeline", "GetPipelineExecution",
            c => c.Pipelines.GetExecutionAsync("acme-shop-production", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE"),
            [new { pipelineName = "acme-shop-production", pipelineExecutionId = "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE" }]);
        yield return new("ListPipelineExecutions with a page size and token", "codepipeline", "ListPipelineExecutions",
            c => c.Pipelines.ListExecutionsAsync("acme-shop-production", 10, "eyJwYWdlIjoyfQ"),
            [new { pipelineName = "acme-shop-production", maxResults = 10, nextToken = "eyJwYWdlIjoyfQ" }]);
        yield return new("ListPipelineExecutions, first page", "codepipeline", "ListPipelineExecutions",
            c => c.Pipelines.ListExecutionsAsync("acme-shop-production"),
            [new { pipelineName = "acme-shop-production" }]);
        yield return new("PutApprovalResult approving", "codepipeline", "PutApprovalResult",
            c => c.Pipelines.PutApprovalResultAsync(new ApprovalResultRequest("acme-shop-production", "Approval", "ApproveRelease", Token, true, "Approved by ops@example.com")),
            [new { pipelineName = "acme-shop-production", stageName = "Approval", actionName = "ApproveRelease", result = new { summary = "Approved by ops@example.com", status = "Approved" }, token = Token }]);
        yield return new("PutApprovalResult rejecting with an empty summary", "codepipeline", "PutApprovalResult",
            c => c.Pipelines.PutApprovalResultAsync(new ApprovalResultRequest("acme-shop-production", "Approval", "ApproveRelease", Token, false, "")),
            [new { pipelineName = "acme-shop-production", stageName = "Approval", actionName = "ApproveRelease", result = new { summary = "", status = "Rejected" }, token = Token }]);
        yield return new("StopPipelineExecution abandoning with a reason", "codepipeline", "StopPipelineExecution",
            c => c.Pipelines.StopExecutionAsync("acme-shop-production", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE", "Superseded by a newer push", abandon: true),
            [new { pipelineName = "acme-shop-production", pipelineExecutionId = "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE", abandon = true, reason = "Superseded by a newer push" }]);
        yield return new("StopPipelineExecution finishing in-progress actions", "codepipeline", "StopPipelineExecution",
            c => c.Pipelines.StopExecutionAsync("acme-shop-production", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE"),
            [new { pipelineName = "acme-shop-production", pipelineExecutionId = "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE" }]);
        yield return new("RetryStageExecution of failed actions", "codepipeline", "RetryStageExecution",
            c => c.Pipelines.RetryStageExecutionAsync("acme-shop-production", "Deploy", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE"),
            [new { pipelineName = "acme-shop-production", stageName = "Deploy", pipelineExecutionId = "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE", retryMode = "FAILED_ACTIONS" }]);
        yield return new("RetryStageExecution of all actions", "codepipeline", "RetryStageExecution",
            c => c.Pipelines.RetryStageExecutionAsync("acme-shop-production", "Build", "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE", "ALL_ACTIONS"),
            [new { pipelineName = "acme-shop-production", stageName = "Build", pipelineExecutionId = "42ee4d10-e4de-a37c-82b7-36c11EXAMPLE", retryMode = "ALL_ACTIONS" }]);

        // Secrets Manager (JSON 1.1)
        yield return new("CreateSecret with tags and a token", "secretsmanager", "CreateSecret",
            c => c.Secrets.CreateSecretAsync(new CreateSecretRequest("acme/shop/production/db", "{\"username\":\"app\",\"password\":\"p@ss w0rd!\"}")
            {
                Description = "Database credentials",
                KmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                ClientRequestToken = Token,
                Tags = [new("portal:customer", "acme"), new("portal:empty", "")],
            }),
            [new
            {
                Name = "acme/shop/production/db", ClientRequestToken = Token, Description = "Database credentials",
                KmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                SecretString = "{\"username\":\"app\",\"password\":\"p@ss w0rd!\"}",
                Tags = new[] { new { Key = "portal:customer", Value = "acme" }, new { Key = "portal:empty", Value = "" } },
            }]);
        yield return new("CreateSecret without a token (both generate one)", "secretsmanager", "CreateSecret",
            c => c.Secrets.CreateSecretAsync(new CreateSecretRequest("minimal", "value")),
            [new { Name = "minimal", SecretString = "value" }], ["ClientRequestToken"]);
        yield return new("GetSecretValue of a stage", "secretsmanager", "GetSecretValue",
            c => c.Secrets.GetSecretValueAsync("acme/shop/production/db", "AWSPREVIOUS"),
            [new { SecretId = "acme/shop/production/db", VersionStage = "AWSPREVIOUS" }]);
        yield return new("GetSecretValue, current", "secretsmanager", "GetSecretValue",
            c => c.Secrets.GetSecretValueAsync("acme/shop/production/db"),
            [new { SecretId = "acme/shop/production/db" }]);
        yield return new("PutSecretValue", "secretsmanager", "PutSecretValue",
            c => c.Secrets.PutSecretValueAsync("acme/shop/production/db", "{\"password\":\"n3w\"}", Token),
            [new { SecretId = "acme/shop/production/db", ClientRequestToken = Token, SecretString = "{\"password\":\"n3w\"}" }]);
        yield return new("DescribeSecret", "secretsmanager", "DescribeSecret",
            c => c.Secrets.DescribeSecretAsync("acme/shop/production/db"),
            [new { SecretId = "acme/shop/production/db" }]);
        yield return new("DeleteSecret with a recovery window", "secretsmanager", "DeleteSecret",
            c => c.Secrets.DeleteSecretAsync("acme/shop/production/db", 7),
            [new { SecretId = "acme/shop/production/db", RecoveryWindowInDays = 7 }]);
        yield return new("DeleteSecret at once", "secretsmanager", "DeleteSecret",
            c => c.Secrets.DeleteSecretAsync("acme/shop/production/db", forceDeleteWithoutRecovery: true),
            [new { SecretId = "acme/shop/production/db", ForceDeleteWithoutRecovery = true }]);
    }

    /// <summary>Every operation the issue lists, by service.</summary>
    private static readonly Dictionary<string, string[]> RequiredOperations = new()
    {
        ["cloudformation"] = ["CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "DescribeStackEvents", "DescribeStackResources",
            "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet", "ValidateTemplate", "ContinueUpdateRollback"],
        ["codepipeline"] = ["StartPipelineExecution", "GetPipelineState", "GetPipelineExecution", "ListPipelineExecutions", "PutApprovalResult",
            "StopPipelineExecution", "RetryStageExecution", "ListActionExecutions"],
        ["elasticloadbalancing"] = ["DescribeListeners", "DescribeRules", "CreateRule", "ModifyRule", "DeleteRule", "SetRulePriorities", "DescribeTargetHealth"],
        ["secretsmanager"] = ["CreateSecret", "GetSecretValue", "PutSecretValue", "DescribeSecret", "DeleteSecret"],
    };

    [Fact]
    public void Every_operation_and_every_interface_method_has_a_case()
    {
        var covered = Cases().Select(c => (c.Service, c.Operation)).ToHashSet();
        foreach (var (service, operations) in RequiredOperations)
            foreach (var operation in operations)
                Assert.True(covered.Contains((service, operation)), $"No wire-compatibility case for {service} {operation}.");

        var methods = new[] { typeof(ICloudFormation), typeof(IPipelines), typeof(ILoadBalancerRules), typeof(ISecrets) }
            .SelectMany(t => t.GetMethods()).Select(m => m.Name).ToList();
        var names = string.Join(' ', Cases().Select(c => c.Name));
        Assert.Equal(RequiredOperations.Values.Sum(o => o.Length) + 1, methods.Count); // DescribeStackAsync and DescribeStacksAsync share DescribeStacks
        Assert.Contains("DescribeStack (one stack)", names);
    }

    [Fact]
    public async Task Every_operation_sends_what_the_official_JS_SDK_sends()
    {
        await using var server = await AwsLoopbackServer.StartAsync(AwsSamples.SuccessFor);
        var cases = Cases().ToList();

        var jsCases = new JsonArray();
        var expected = new List<(Case Case, int Page)>();
        foreach (var testCase in cases)
            for (var page = 0; page < testCase.JsInputs.Length; page++)
            {
                jsCases.Add(new JsonObject
                {
                    ["name"] = $"{testCase.Name} #{page + 1}",
                    ["service"] = testCase.Service,
                    ["operation"] = testCase.Operation,
                    ["input"] = JsonSerializer.SerializeToNode(testCase.JsInputs[page], JsInputOptions),
                });
                expected.Add((testCase, page));
            }

        var jsResults = await JsSdk.SendAsync(server.Url, jsCases);
        var jsFailures = jsResults.Where(r => r!["ok"]!.GetValue<bool>() is false)
            .Select(r => $"{r!["name"]}: {r["error"]}: {r["message"]}").ToList();
        Assert.True(jsFailures.Count == 0, "The JS SDK did not send or could not parse an answer:\n" + string.Join('\n', jsFailures));
        var jsRequests = server.Requests;
        server.Clear();

        using (var clients = new AwsTestClients(server.Url))
            foreach (var testCase in cases)
                await testCase.Send(clients);
        var csRequests = server.Requests;

        Assert.Equal(expected.Count, jsRequests.Count);
        Assert.Equal(expected.Count, csRequests.Count);
        var differences = new List<string>();
        for (var i = 0; i < expected.Count; i++)
        {
            var (testCase, page) = expected[i];
            var label = $"{testCase.Operation} ({testCase.Name}, request {page + 1})";
            differences.AddRange(RequestComparer.Compare(jsRequests[i], csRequests[i], testCase.Generated ?? []).Select(d => $"{label}: {d}"));
            differences.AddRange(SignatureCheck(jsRequests[i]).Select(d => $"{label}: JS SDK request: {d}"));
            differences.AddRange(SignatureCheck(csRequests[i]).Select(d => $"{label}: C# request: {d}"));
        }
        Assert.True(differences.Count == 0, $"{differences.Count} difference(s) between the JS SDK and the C# client:\n" + string.Join('\n', differences));
    }

    [Fact]
    public void The_comparison_names_the_operation_field_and_both_values()
    {
        var js = Request("cloudformation", "Action=CreateStack&Version=2010-05-15&StackName=a&Capabilities=");
        var cs = Request("cloudformation", "Action=CreateStack&Version=2010-05-15&StackName=b&Extra=1");

        var differences = RequestComparer.Compare(js, cs, []);

        Assert.Contains("field StackName: JS SDK sent \"a\", C# sent \"b\"", differences);
        Assert.Contains("field Capabilities: JS SDK sent \"\", C# sent nothing", differences);
        Assert.Contains("field Extra: JS SDK sent nothing, C# sent \"1\"", differences);

        var jsonDifferences = RequestComparer.Compare(
            JsonRequest("StartPipelineExecution", """{"name":"p","variables":[{"name":"a","value":"1"}]}"""),
            JsonRequest("StartPipelineExecution", """{"name":"p","variables":[{"name":"a","value":"2"}],"extra":true}"""), []);
        Assert.Contains("member variables[0].value: JS SDK sent \"1\", C# sent \"2\"", jsonDifferences);
        Assert.Contains("member extra: JS SDK sent nothing, C# sent true", jsonDifferences);
    }

    /// <summary>Recomputes the request's SigV4 signature from what the server received, with the portal's signer.</summary>
    private static IEnumerable<string> SignatureCheck(CapturedRequest request)
    {
        var authorization = request.Header("Authorization") ?? "";
        var match = AuthorizationPattern().Match(authorization);
        if (!match.Success)
        {
            yield return $"no SigV4 Authorization header ({authorization})";
            yield break;
        }
        var signedNames = match.Groups["signed"].Value.Split(';');
        var headers = signedNames.SelectMany(name => request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))).ToList();
        var time = DateTimeOffset.ParseExact(request.Header("X-Amz-Date") ?? "", "yyyyMMdd'T'HHmmss'Z'", null, System.Globalization.DateTimeStyles.AssumeUniversal);
        var signature = SigV4Signer.Sign(new SigV4Request(request.Method, request.Path, "", headers, SigV4Signer.HexSha256(request.Body)),
            StaticCredentialSource.Dummy, match.Groups["region"].Value, match.Groups["service"].Value, time);
        if (signature.Signature != match.Groups["signature"].Value)
            yield return $"signature {match.Groups["signature"].Value} does not verify (the portal's signer computes {signature.Signature} over {match.Groups["signed"].Value})";
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=test/\d{8}/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, SignedHeaders=(?<signed>[^,]+), Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    private static CapturedRequest Request(string service, string body) => new("POST", "/",
        [new("Content-Type", "application/x-www-form-urlencoded"), new("Authorization", $"AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/{service}/aws4_request")],
        System.Text.Encoding.UTF8.GetBytes(body));

    private static CapturedRequest JsonRequest(string operation, string body) => new("POST", "/",
        [new("Content-Type", "application/x-amz-json-1.1"), new("X-Amz-Target", $"CodePipeline_20150709.{operation}"),
         new("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/codepipeline/aws4_request")],
        System.Text.Encoding.UTF8.GetBytes(body));
}
