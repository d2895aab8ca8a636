using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Emulator;

/// <summary>Faults from configuration and from the admin endpoint: each service's throttling error, server errors, latency; and the call statistics.</summary>
public sealed class FaultInjectionTests(FaultInjectionTests.ConfiguredFaults aws) : IClassFixture<FaultInjectionTests.ConfiguredFaults>
{
    public sealed class ConfiguredFaults : EmulatorFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Emulator:Faults:Operations:0:Operation"] = "cloudformation:DescribeStackResources",
            ["Emulator:Faults:Operations:0:ThrottleRate"] = "1",
            ["Emulator:Faults:Operations:1:Operation"] = "secretsmanager:DescribeSecret",
            ["Emulator:Faults:Operations:1:ThrottleRate"] = "1",
        };
    }

    [Fact]
    public async Task Configured_throttling_answers_each_services_own_throttling_error()
    {
        var query = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("DescribeStackResources", ("StackName", "any")));
        var json = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.CallAsync("DescribeSecret", new JsonObject { ["SecretId"] = "any" }));
        var other = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("DescribeStacks", ("StackName", "any")));

        Assert.Equal(("Throttling", "Rate exceeded", 400), (query.Code, query.AwsMessage, query.Status));
        Assert.Equal(("ThrottlingException", "Rate exceeded", 400), (json.Code, json.AwsMessage, json.Status));
        Assert.Equal("ValidationError", other.Code);
    }

    [Fact]
    public async Task Server_errors_are_injected_as_many_times_as_asked()
    {
        await aws.Emulator.AddFaultsAsync(new FaultSettings { Operations = [new OperationFault { Operation = "elasticloadbalancing:*", ErrorRate = 1, ErrorStatus = 503, Times = 2 }] });
        await aws.Emulator.AddFaultsAsync(new FaultSettings { Operations = [new OperationFault { Operation = "GetPipelineState", ErrorRate = 1, Times = 1 }] });

        var first = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.RulesAsync(EmulatorFixture.SharedListenerArn));
        var second = await Assert.ThrowsAsync<AwsError>(() => aws.LoadBalancing.RulesAsync(EmulatorFixture.SharedListenerArn));
        var third = await aws.LoadBalancing.RulesAsync(EmulatorFixture.SharedListenerArn);
        var pipeline = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.StateAsync("any"));
        var afterwards = await Assert.ThrowsAsync<AwsError>(() => aws.Pipelines.StateAsync("any"));

        Assert.Equal(("ServiceUnavailable", 503), (first.Code, first.Status));
        Assert.Equal(("ServiceUnavailable", 503), (second.Code, second.Status));
        Assert.Single(third);
        Assert.Equal(("InternalFailure", 500), (pipeline.Code, pipeline.Status));
        Assert.Equal("PipelineNotFoundException", afterwards.Code);
    }

    [Fact]
    public async Task Added_latency_delays_the_answer()
    {
        var rule = (await aws.Emulator.AddFaultsAsync(new FaultSettings { Operations = [new OperationFault { Operation = "cloudformation:ValidateTemplate", Latency = TimeSpan.FromMilliseconds(500) }] })).Operations[0];
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("ValidateTemplate", ("TemplateBody", "Resources: {}")));

        // A lower bound only, with room for timer granularity: slowness can never fail it.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(400), $"answered after {watch.Elapsed}");
        Assert.Contains((await aws.Emulator.FaultsAsync()).Operations, r => r.Id == rule.Id);
    }

    [Fact]
    public async Task Statistics_count_the_calls_per_operation_and_the_injected_faults()
    {
        using var http = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };
        await http.DeleteAsync("/_emulator/stats");
        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DescribeAsync("nothing"));
        await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("DescribeStackResources", ("StackName", "any")));

        var stats = await aws.Emulator.StatsAsync();

        Assert.Equal(3, stats.Operations["cloudformation:DescribeStacks"]);
        Assert.Equal(1, stats.Operations["cloudformation:DescribeStackResources"]);
        Assert.Equal(4, stats.Total);
        Assert.Equal(1, stats.InjectedFaults);
    }

    [Fact]
    public async Task Unsigned_requests_are_refused_as_aws_refuses_them()
    {
        using var http = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };

        var query = await http.PostAsync("/", new FormUrlEncodedContent([new("Action", "DescribeStacks"), new("Version", "2010-05-15")]));
        var json = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1") };
        json.Headers.Add("X-Amz-Target", "secretsmanager.GetSecretValue");
        var jsonAnswer = await http.SendAsync(json);

        Assert.Equal(HttpStatusCode.Forbidden, query.StatusCode);
        Assert.Contains("<Code>MissingAuthenticationToken</Code>", await query.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, jsonAnswer.StatusCode);
        Assert.Contains("\"__type\":\"MissingAuthenticationTokenException\"", await jsonAnswer.Content.ReadAsStringAsync());
        Assert.True(jsonAnswer.Headers.Contains("x-amzn-RequestId"));
    }

    [Fact]
    public async Task Unknown_actions_and_targets_are_refused()
    {
        var action = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("ListStacks"));
        var target = await Assert.ThrowsAsync<AwsError>(() => aws.Client.JsonAsync("secretsmanager.ListSecrets", "secretsmanager", []));

        Assert.Equal(("InvalidAction", "The action ListStacks is not valid for this web service."), (action.Code, action.AwsMessage));
        Assert.Equal("UnknownOperationException", target.Code);
    }

    [Fact]
    public async Task Delays_are_changed_at_run_time()
    {
        var before = await aws.Emulator.SetTimingsAsync(new TimingSettings());
        var changed = await aws.Emulator.SetTimingsAsync(new TimingSettings { ActionDelay = TimeSpan.FromSeconds(3) });
        var restored = await aws.Emulator.SetTimingsAsync(new TimingSettings { ActionDelay = before.ActionDelay });

        Assert.Equal(TimeSpan.FromMilliseconds(10), before.ActionDelay);
        Assert.Equal(TimeSpan.FromSeconds(3), changed.ActionDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(10), changed.ResourceDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(10), restored.ActionDelay);
    }
}
