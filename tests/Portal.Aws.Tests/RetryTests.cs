using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.Protocol;
using Portal.Aws.Tests.Support;
using Portal.Tests.Support;

namespace Portal.Aws.Tests;

/// <summary>
/// Proof 4, against a loopback endpoint that fails a given number of times: throttling, 5xx, timeouts and transport
/// errors are retried within the budget; other errors are not; exhausted retries raise AwsUnavailableException with the
/// last AWS code. Deadlines and backoff run on a fake clock the tests move on, so nothing here sleeps.
/// </summary>
public class RetryTests
{
    private static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Aws:MaxAttempts"] = "5",
        ["Aws:RetryBudget"] = "00:00:20",
        ["Aws:RetryBaseDelay"] = "00:00:00.010",
        ["Aws:RetryMaxDelay"] = "00:00:00.050",
    };

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>(FastRetries);
        foreach (var (key, value) in overrides) settings[key] = value;
        return settings;
    }

    /// <summary>Fake time advances this much per step while a call runs: the policy's deadlines and backoff fire without waiting.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    /// <summary>Moves the fake clock on in small steps until the call ends (a step every few real milliseconds).</summary>
    private static async Task<T> DriveAsync<T>(FakeTimeProvider clock, Task<T> call)
    {
        while (!call.IsCompleted)
        {
            await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(2)));
            if (!call.IsCompleted) clock.Advance(Step);
        }
        return await call;
    }

    /// <summary>Answers <paramref name="failure"/> to the first <paramref name="failures"/> requests, then AWS's sample success.</summary>
    private static Func<CapturedRequest, CannedResponse> FailingFirst(int failures, CannedResponse failure)
    {
        var count = 0;
        return request => Interlocked.Increment(ref count) <= failures ? failure : AwsSamples.SuccessFor(request);
    }

    [Fact]
    public async Task Throttled_calls_succeed_within_the_budget()
    {
        await using var server = await AwsLoopbackServer.StartAsync(FailingFirst(3, AwsSamples.Error("cloudformation", "Throttling.xml", 400)));
        using var clients = new AwsTestClients(server.Url, Settings());

        var stack = await clients.CloudFormation.DescribeStackAsync("MyStack");

        Assert.Equal("MyStack", stack?.StackName);
        Assert.Equal(4, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.StartsWith("AWS4-HMAC-SHA256 ", r.Header("Authorization")));
    }

    [Fact]
    public async Task Throttled_JSON_calls_succeed_within_the_budget()
    {
        await using var server = await AwsLoopbackServer.StartAsync(FailingFirst(2, AwsSamples.Error("codepipeline", "ThrottlingException.json", 400)));
        using var clients = new AwsTestClients(server.Url, Settings());

        var executionId = await clients.Pipelines.StartExecutionAsync(new StartPipelineExecutionRequest("MyFirstPipeline"));

        Assert.Equal("3137f7cb-7cf7-039j-s83l-d7eu3EXAMPLE", executionId);
        Assert.Equal(3, server.Requests.Count);
        // A generated idempotency token is generated once per call, so every attempt carries the same one.
        Assert.Single(server.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("clientRequestToken").GetString()).Distinct());
    }

    [Fact]
    public async Task Server_errors_are_retried()
    {
        await using var server = await AwsLoopbackServer.StartAsync(FailingFirst(2, AwsSamples.Error("secretsmanager", "InternalServiceError.json", 500)));
        using var clients = new AwsTestClients(server.Url, Settings());

        var secret = await clients.Secrets.DescribeSecretAsync("MyTestDatabaseSecret");

        Assert.Equal("MyTestDatabaseSecret", secret.Name);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task A_non_retryable_error_is_not_retried()
    {
        await using var server = await AwsLoopbackServer.StartAsync(_ => AwsSamples.Error("cloudformation", "AlreadyExistsException.xml", 400));
        using var clients = new AwsTestClients(server.Url, Settings());

        await Assert.ThrowsAsync<AwsAlreadyExistsException>(() => clients.CloudFormation.CreateStackAsync(new CreateStackRequest("MyStack", "{}")));

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_not_found_error_is_not_retried()
    {
        await using var server = await AwsLoopbackServer.StartAsync(_ => AwsSamples.Error("codepipeline", "PipelineNotFoundException.json", 400));
        using var clients = new AwsTestClients(server.Url, Settings());

        await Assert.ThrowsAsync<AwsNotFoundException>(() => clients.Pipelines.GetStateAsync("MissingPipeline"));

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Exhausted_attempts_raise_unavailable_with_the_last_AWS_code()
    {
        await using var server = await AwsLoopbackServer.StartAsync(_ => AwsSamples.Error("cloudformation", "Throttling.xml", 400));
        using var clients = new AwsTestClients(server.Url, Settings(("Aws:MaxAttempts", "3")));

        var error = await Assert.ThrowsAsync<AwsUnavailableException>(() => clients.CloudFormation.DescribeStacksAsync());

        Assert.Equal(("cloudformation", "Throttling", "Rate exceeded", "7c2d5b9e-0b1a-4e0b-9a3f-example", 400, 3),
            (error.Service, error.Code, error.AwsMessage, error.RequestId, error.StatusCode, error.Attempts));
        Assert.True(error.Retryable);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task The_time_budget_stops_retries_before_the_attempts_run_out()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await AwsLoopbackServer.StartAsync(_ => new CannedResponse(503, "text/html", "<html>Service Unavailable</html>"));
        using var clients = new AwsTestClients(server.Url, Settings(
            ("Aws:MaxAttempts", "20"), ("Aws:RetryBudget", "00:00:01.500"), ("Aws:RetryBaseDelay", "00:00:00.200"), ("Aws:RetryMaxDelay", "00:00:00.400")),
            time: clock);

        var error = await Assert.ThrowsAsync<AwsUnavailableException>(() => DriveAsync(clock, clients.Secrets.DescribeSecretAsync("x")));

        Assert.Equal("ServiceUnavailable", error.Code);
        Assert.InRange(error.Attempts, 2, 19);
        Assert.Equal(error.Attempts, server.Requests.Count);
    }

    [Fact]
    public async Task An_attempt_cut_short_by_the_budget_reports_the_previous_AWS_answer()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var slowAnswers = new ManualResetEventSlim();
        var count = 0;
        await using var server = await AwsLoopbackServer.StartAsync(_ =>
        {
            if (Interlocked.Increment(ref count) > 1) slowAnswers.Wait(TimeSpan.FromSeconds(30));
            return new CannedResponse(503, "text/html", "<html>Service Unavailable</html>");
        });
        using var clients = new AwsTestClients(server.Url, Settings(
            ("Aws:MaxAttempts", "5"), ("Aws:RetryBudget", "00:00:01"), ("Aws:RetryBaseDelay", "00:00:00.010"), ("Aws:Timeout", "00:00:10")), time: clock);

        try
        {
            var error = await Assert.ThrowsAsync<AwsUnavailableException>(() => DriveAsync(clock, clients.Secrets.DescribeSecretAsync("x")));

            Assert.Equal(("ServiceUnavailable", 2), (error.Code, error.Attempts));
        }
        finally
        {
            slowAnswers.Set();
        }
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var firstAnswer = new ManualResetEventSlim();
        var count = 0;
        await using var server = await AwsLoopbackServer.StartAsync(request =>
        {
            if (Interlocked.Increment(ref count) == 1) firstAnswer.Wait(TimeSpan.FromSeconds(30));
            return AwsSamples.SuccessFor(request);
        });
        using var clients = new AwsTestClients(server.Url, Settings(("Aws:Timeout", "00:00:01")), time: clock);
        var start = clock.GetUtcNow();

        try
        {
            var health = await DriveAsync(clock, clients.LoadBalancerRules.DescribeTargetHealthAsync("arn:tg"));

            Assert.Equal(2, health.Count);
            Assert.Equal(2, server.Requests.Count);
            Assert.True(clock.GetUtcNow() - start >= TimeSpan.FromSeconds(1), "The first attempt ended at its timeout on the clock.");
        }
        finally
        {
            firstAnswer.Set();
        }
    }

    [Fact]
    public async Task Transport_failures_are_retried_then_reported_as_unavailable()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens on the port any more: connections are refused
        using var clients = new AwsTestClients(new Uri($"http://127.0.0.1:{port}/"), Settings(("Aws:MaxAttempts", "2")));

        var error = await Assert.ThrowsAsync<AwsUnavailableException>(() => clients.CloudFormation.DescribeStacksAsync());

        Assert.Equal((AwsErrors.NetworkingCode, 2), (error.Code, error.Attempts));
    }

    [Fact]
    public async Task A_cancelled_call_is_neither_retried_nor_wrapped()
    {
        using var answer = new ManualResetEventSlim();
        await using var server = await AwsLoopbackServer.StartAsync(request =>
        {
            answer.Wait(TimeSpan.FromSeconds(30));
            return AwsSamples.SuccessFor(request);
        });
        using var clients = new AwsTestClients(server.Url, Settings());
        using var cancellation = new CancellationTokenSource();

        try
        {
            var call = clients.CloudFormation.DescribeStacksAsync(cancellationToken: cancellation.Token);
            await Poll.UntilAsync(() => Task.FromResult(server.Requests.Count), n => n == 1, TimeSpan.FromSeconds(10), "the request to arrive");
            await cancellation.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
            Assert.Single(server.Requests);
        }
        finally
        {
            answer.Set();
        }
    }

    [Fact]
    public void Backoff_is_jittered_below_a_ceiling_that_doubles_up_to_the_maximum()
    {
        var options = new AwsOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromMilliseconds(1000) };
        var policy = new AwsRetryPolicy(options, TimeProvider.System, NullLogger<AwsRetryPolicy>.Instance);

        var first = Enumerable.Range(0, 200).Select(_ => policy.Backoff(1, throttled: false)).ToList();
        var third = Enumerable.Range(0, 200).Select(_ => policy.Backoff(3, throttled: false)).ToList();
        var late = Enumerable.Range(0, 200).Select(_ => policy.Backoff(10, throttled: false)).ToList();
        var throttled = Enumerable.Range(0, 200).Select(_ => policy.Backoff(1, throttled: true)).ToList();

        Assert.All(first, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(100)));
        Assert.All(third, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(400)));
        Assert.Contains(third, d => d > TimeSpan.FromMilliseconds(100));
        Assert.All(late, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(1000)));
        Assert.Contains(late, d => d > TimeSpan.FromMilliseconds(500));
        Assert.Contains(throttled, d => d > TimeSpan.FromMilliseconds(100));
        Assert.True(first.Distinct().Count() > 100, "Delays are jittered, not fixed.");
    }
}
