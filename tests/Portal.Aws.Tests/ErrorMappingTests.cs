using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.ElasticLoadBalancing;
using Portal.Aws.Protocol;
using Portal.Aws.Tests.Support;
using Portal.Tests.Support;

namespace Portal.Aws.Tests;

/// <summary>AWS's documented error answers become typed exceptions carrying code, message and request id.</summary>
public class ErrorMappingTests
{
    private static async Task<T> Answering<T>(CannedResponse answer, Func<AwsTestClients, Task<T>> call)
    {
        await using var server = await AwsLoopbackServer.StartAsync(_ => answer);
        using var clients = new AwsTestClients(server.Url);
        return await call(clients);
    }

    private static Task<T> Throws<T>(CannedResponse answer, Func<AwsTestClients, Task> call) where T : Exception =>
        Answering(answer, clients => Assert.ThrowsAsync<T>(() => call(clients)));

    private static Task<T> ThrowsAny<T>(CannedResponse answer, Func<AwsTestClients, Task> call) where T : Exception =>
        Answering(answer, clients => Assert.ThrowsAnyAsync<T>(() => call(clients)));

    [Fact]
    public async Task A_missing_stack_is_not_found_and_DescribeStack_returns_null()
    {
        var answer = AwsSamples.Error("cloudformation", "ValidationError-stack-does-not-exist.xml", 400);

        var error = await Throws<AwsNotFoundException>(answer, c => c.CloudFormation.DescribeStacksAsync("MyStack"));
        Assert.Equal(("cloudformation", "ValidationError", "Stack with id MyStack does not exist", "42d5ed0e-5c72-11e9-8a3c-example", 400),
            (error.Service, error.Code, error.AwsMessage, error.RequestId, error.StatusCode));
        Assert.False(error.Retryable);

        Assert.Null(await Answering(answer, c => c.CloudFormation.DescribeStackAsync("MyStack")));
    }

    [Fact]
    public async Task No_updates_is_an_update_with_no_changes_not_an_error()
    {
        var update = await Answering(AwsSamples.Error("cloudformation", "ValidationError-no-updates.xml", 400),
            c => c.CloudFormation.UpdateStackAsync(new UpdateStackRequest("MyStack", "{}")));

        Assert.IsType<StackUpdate.NoChanges>(update);
    }

    [Fact]
    public async Task Another_validation_error_of_UpdateStack_is_still_thrown()
    {
        var error = await Throws<AwsNotFoundException>(AwsSamples.Error("cloudformation", "ValidationError-stack-does-not-exist.xml", 400),
            c => c.CloudFormation.UpdateStackAsync(new UpdateStackRequest("MyStack", "{}")));

        Assert.Equal("ValidationError", error.Code);
    }

    [Fact]
    public async Task A_taken_stack_name_is_already_exists()
    {
        var error = await Throws<AwsAlreadyExistsException>(AwsSamples.Error("cloudformation", "AlreadyExistsException.xml", 400),
            c => c.CloudFormation.CreateStackAsync(new CreateStackRequest("MyStack", "{}")));

        Assert.Equal(("AlreadyExistsException", "Stack [MyStack] already exists"), (error.Code, error.AwsMessage));
        Assert.False(error.RetryLater);
    }

    [Fact]
    public async Task A_busy_pipeline_is_refused_for_now_not_for_good()
    {
        var error = await Throws<AwsValidationException>(AwsSamples.Error("codepipeline", "ConflictException.json", 400),
            c => c.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("busy")));

        Assert.Equal("ConflictException", error.Code);
        Assert.False(error.Retryable);
        Assert.True(error.RetryLater);
    }

    [Fact]
    public async Task A_missing_change_set_is_not_found()
    {
        var error = await Throws<AwsNotFoundException>(AwsSamples.Error("cloudformation", "ChangeSetNotFound.xml", 404),
            c => c.CloudFormation.DescribeChangeSetAsync("SampleChangeSet", "SampleStack"));

        Assert.Equal("ChangeSetNotFound", error.Code);
    }

    [Theory]
    [InlineData("PriorityInUse.xml", typeof(AwsValidationException), "PriorityInUse")]
    [InlineData("RuleNotFound.xml", typeof(AwsNotFoundException), "RuleNotFound")]
    [InlineData("ListenerNotFound.xml", typeof(AwsNotFoundException), "ListenerNotFound")]
    public async Task Load_balancer_errors_map_by_code(string sample, Type expected, string code)
    {
        var error = await ThrowsAny<AwsException>(AwsSamples.Error("elasticloadbalancing", sample, 400),
            c => c.LoadBalancerRules.CreateRuleAsync(new CreateRuleRequest("arn:listener", 10, [], [])));

        Assert.IsType(expected, error);
        Assert.Equal(("elasticloadbalancing", code), (error.Service, error.Code));
        Assert.NotNull(error.RequestId);
    }

    [Fact]
    public async Task A_missing_pipeline_is_not_found_with_the_request_id_from_the_header()
    {
        var error = await Throws<AwsNotFoundException>(AwsSamples.Error("codepipeline", "PipelineNotFoundException.json", 400),
            c => c.Pipelines.GetStateAsync("MissingPipeline"));

        Assert.Equal(("codepipeline", "PipelineNotFoundException", "e0f1a2b3-0000-4000-8000-00000error"), (error.Service, error.Code, error.RequestId));
        Assert.Contains("MissingPipeline", error.AwsMessage);
    }

    [Fact]
    public async Task The_namespace_prefix_of_a_JSON_error_type_is_stripped()
    {
        var error = await Throws<AwsApprovalNotPendingException>(AwsSamples.Error("codepipeline", "InvalidApprovalTokenException.json", 400),
            c => c.Pipelines.PutApprovalResultAsync(new ApprovalResultRequest("p", "s", "a", "old-token", true, "ok")));

        Assert.Equal("InvalidApprovalTokenException", error.Code);
    }

    [Fact]
    public async Task A_missing_secret_is_not_found_and_the_capitalised_Message_is_read()
    {
        var error = await Throws<AwsNotFoundException>(AwsSamples.Error("secretsmanager", "ResourceNotFoundException.json", 400),
            c => c.Secrets.GetSecretValueAsync("missing"));

        Assert.Equal(("ResourceNotFoundException", "Secrets Manager can't find the specified secret."), (error.Code, error.AwsMessage));
    }

    [Fact]
    public async Task The_error_type_header_serves_when_the_body_has_none()
    {
        var answer = new CannedResponse(400, AwsSamples.JsonContentType, "", new Dictionary<string, string>
        {
            ["x-amzn-ErrorType"] = "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
            ["x-amzn-RequestId"] = "header-only",
        });

        var error = await Throws<AwsValidationException>(answer, c => c.Secrets.DescribeSecretAsync("x"));

        Assert.Equal(("ValidationException", "header-only"), (error.Code, error.RequestId));
    }

    [Fact]
    public async Task A_bare_404_from_a_wrong_endpoint_is_not_mistaken_for_a_missing_resource()
    {
        var answer = new CannedResponse(404, "text/html", "<html><body>Not Found</body></html>");

        var error = await Throws<AwsValidationException>(answer, c => c.CloudFormation.DescribeStackAsync("MyStack"));

        Assert.Equal("Http404", error.Code);
    }

    [Fact]
    public async Task An_answer_of_the_wrong_shape_is_a_protocol_error()
    {
        var answer = new CannedResponse(200, "text/xml", "<SomethingElse/>");

        var error = await Throws<AwsProtocolException>(answer, c => c.CloudFormation.DescribeStacksAsync());

        Assert.Contains("DescribeStacksResponse", error.Message);
    }

    [Theory]
    [InlineData("Throttling", 400, true)]
    [InlineData("ThrottlingException", 400, true)]
    [InlineData("TooManyRequestsException", 400, true)]
    [InlineData("RequestLimitExceeded", 400, true)]
    [InlineData("Anything", 429, true)]
    [InlineData("InternalFailure", 500, true)]
    [InlineData("ServiceUnavailable", 503, true)]
    [InlineData("InternalServiceError", 500, true)]
    [InlineData("ValidationError", 400, false)]
    [InlineData("AccessDenied", 403, false)]
    [InlineData("PipelineNotFoundException", 400, false)]
    public void Retryable_codes_and_statuses(string code, int status, bool retryable)
    {
        Assert.Equal(retryable, AwsErrors.IsRetryable(code, status));
    }

    [Theory]
    [InlineData("com.amazonaws.codepipeline#PipelineNotFoundException", "PipelineNotFoundException")]
    [InlineData("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError")]
    [InlineData("ResourceNotFoundException", "ResourceNotFoundException")]
    public void JSON_error_types_are_sanitized(string type, string code)
    {
        Assert.Equal(code, JsonProtocol.SanitizeCode(type));
    }
}
