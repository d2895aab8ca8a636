using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws;
using Portal.Aws.CodePipeline;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Web.Tests.Api;
using Portal.Web.Tests.Webhooks;

namespace Portal.Web.Tests.Observability;

/// <summary>
/// <c>/metrics</c> after a real order and a real push: the portal's own meters with the values that run produced, and
/// the endpoint hidden from everyone but operators and the allowed networks.
/// </summary>
public sealed partial class MetricsEndpointTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task After_an_order_and_a_push_the_named_metrics_show_what_happened()
    {
        // An order (as the order form saves it), provisioned by the job server at the emulator.
        var order = await fixture.World.OrderAsync("metered", EnvironmentKind.Dev);
        var host = await fixture.World.WaitForAsync(order.Id, HostState.Active);
        // A push to a host that releases from a real repository at the stand-in.
        await EmulatorPipelines.SeedAsync(fixture.Emulator);
        var (released, repository) = await ReleasePortalFixture.CreateHostWithPipelinesAsync(fixture.Portal, fixture.World.GitLab);
        using var gitlab = fixture.Portal.CreateClient();
        var push = await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev"), released.WebhookToken));
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        var refused = await gitlab.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev"), "glwt-wrong-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var releaseId = System.Text.Json.JsonDocument.Parse(await push.Content.ReadAsStringAsync()).RootElement.GetProperty("releaseId").GetGuid();
        await ReleasePortalFixture.WaitForReleaseAsync(fixture.Portal, releaseId, r => r.PipelineExecutionId is not null, "started");
        var hostId = host.Id;
        var pipelines = fixture.Portal.Services.GetRequiredService<IPipelines>();
        await Assert.ThrowsAnyAsync<AwsException>(() => pipelines.GetStateAsync("no-such-pipeline-" + hostId.ToString("N")[..8], default));

        // The push-to-start histogram is recorded after the start's commit; Prometheus reads what is there now.
        var metrics = await Poll.UntilAsync(() => ScrapeAsync(fixture.Portal.CreateClient()),
            text => Value(text, "portal_release_push_to_start_seconds_count") >= 1, TimeSpan.FromSeconds(10), "push_to_start recorded", t => t);

        Assert.True(Value(metrics, "portal_webhook_deliveries_total", ("answer", "accepted"), ("kind", "push")) >= 1, metrics);
        Assert.True(Value(metrics, "portal_webhook_deliveries_total", ("answer", "unauthorized"), ("kind", "push")) >= 1, metrics);
        var pushToStart = Value(metrics, "portal_release_push_to_start_seconds_sum")!.Value / Value(metrics, "portal_release_push_to_start_seconds_count")!.Value;
        Assert.InRange(pushToStart, 0, 30);
        Assert.True(Value(metrics, "portal_aws_calls_total", ("code", "OK"), ("operation", "StartPipelineExecution"), ("service", "codepipeline")) >= 1, metrics);
        Assert.True(Value(metrics, "portal_aws_calls_total", ("code", "OK"), ("operation", "CreateStack"), ("service", "cloudformation")) >= 2, metrics);
        Assert.True(Value(metrics, "portal_aws_errors_total", ("code", "PipelineNotFoundException"), ("operation", "GetPipelineState"),
            ("service", "codepipeline")) >= 1, metrics);
        Assert.Null(Value(metrics, "portal_aws_errors_total", ("code", "OK")));
        Assert.True(Value(metrics, "portal_provisioning_duration_seconds_count", ("outcome", "active")) >= 1, metrics);
        var provisioned = Value(metrics, "portal_provisioning_duration_seconds_sum", ("outcome", "active"))!.Value;
        Assert.InRange(provisioned, 0.01, (DateTimeOffset.UtcNow - host.CreatedAt).TotalSeconds * 10);
        Assert.True(Value(metrics, "portal_jobs_duration_seconds_count", ("outcome", "succeeded")) >= 1, metrics);
        Assert.NotNull(Value(metrics, "portal_jobs_queue_depth", ("queue", "release_starts")));
        Assert.NotNull(Value(metrics, "portal_jobs_queue_depth", ("queue", "jobs_enqueued")));
        Assert.True(Value(metrics, "http_server_request_duration_seconds_count") >= 1, metrics);
    }

    [Fact]
    public async Task Outside_the_allowed_networks_only_operators_see_the_metrics()
    {
        // A second instance on the same database whose allowed network excludes the tests' loopback address.
        await using var portal = await PortalHost.StartAsync(fixture.World.ConnectionString, new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = fixture.Emulator.BaseUrl.ToString(),
            ["GitLab:Url"] = fixture.World.GitLab.BaseUrl.ToString(),
            ["Jobs:RunServer"] = "false",
            ["Portal:Metrics:AllowedNetworks:0"] = "10.0.0.0/8",
        });
        var helpers = new PortalTestHelpers(fixture);
        var (_, customerToken) = await helpers.UserWithTokenAsync(PortalRoles.Customer);
        var (_, operatorToken) = await helpers.UserWithTokenAsync(PortalRoles.Operator);

        using var anonymous = portal.CreateClient();
        var hidden = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.DoesNotContain("portal_", await hidden.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/METRICS")).StatusCode);
        using var customer = portal.CreateClient(customerToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/metrics")).StatusCode);
        using var operatorClient = portal.CreateClient(operatorToken);
        Assert.Contains("# TYPE", await ScrapeAsync(operatorClient));
        // The first instance keeps the default: loopback may scrape.
        Assert.Contains("# TYPE", await ScrapeAsync(fixture.Portal.CreateClient()));
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using (client)
        {
            var response = await client.GetAsync("/metrics");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
            return text;
        }
    }

    /// <summary>The sum of the samples of the metric whose labels include all those given, or null when there is none.</summary>
    private static double? Value(string exposition, string name, params (string Label, string Value)[] labels)
    {
        double? sum = null;
        foreach (Match line in Sample().Matches(exposition))
        {
            if (line.Groups["name"].Value != name) continue;
            var found = LabelPair().Matches(line.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            if (labels.All(l => found.GetValueOrDefault(l.Label) == l.Value))
                sum = (sum ?? 0) + double.Parse(line.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return sum;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();
}
