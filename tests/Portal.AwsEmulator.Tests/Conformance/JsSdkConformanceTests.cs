using System.Text.Json.Nodes;
using Portal.Tests.Support;

namespace Portal.AwsEmulator.Tests.Conformance;

/// <summary>
/// Proof of wire compatibility: the official AWS SDK for JavaScript v3 (tests/js-sdk/emulator-conformance.mjs) calls
/// every operation the portal uses against the emulator and parses every answer, error answers included; it must
/// classify throttling and server errors as retryable and retry them. A failure names the operation.
/// </summary>
public sealed class JsSdkConformanceTests : IAsyncLifetime
{
    /// <summary>The operations the portal uses, per service; each must have been called successfully at least once.</summary>
    private static readonly (string Service, string Operation)[] Operations =
    [
        .. new[] { "CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "DescribeStackEvents", "DescribeStackResources",
            "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet", "ValidateTemplate", "ContinueUpdateRollback" }
            .Select(o => ("cloudformation", o)),
        .. new[] { "StartPipelineExecution", "GetPipelineState", "GetPipelineExecution", "ListPipelineExecutions", "PutApprovalResult",
            "StopPipelineExecution", "RetryStageExecution", "ListActionExecutions" }.Select(o => ("codepipeline", o)),
        .. new[] { "DescribeListeners", "DescribeRules", "CreateRule", "ModifyRule", "DeleteRule", "SetRulePriorities", "DescribeTargetHealth",
            "AddListenerCertificates", "DescribeListenerCertificates", "RemoveListenerCertificates" }.Select(o => ("elasticloadbalancing", o)),
        .. new[] { "CreateSecret", "GetSecretValue", "PutSecretValue", "DescribeSecret", "DeleteSecret" }.Select(o => ("secretsmanager", o)),
        .. new[] { "CreateBucket", "HeadBucket", "PutBucketVersioning", "GetBucketVersioning", "PutObject", "GetObject", "HeadObject", "DeleteObject",
            "ListObjectVersions", "ListObjectsV2" }.Select(o => ("s3", o)),
        .. new[] { "GetLogEvents", "FilterLogEvents" }.Select(o => ("logs", o)),
        ("codebuild", "BatchGetBuilds"),
        ("acm", "DescribeCertificate"),
    ];

    private EmulatorHost emulator = null!;

    public async Task InitializeAsync() => emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await emulator.DisposeAsync();

    [Fact]
    public async Task The_official_javascript_sdk_calls_every_operation_and_parses_every_answer()
    {
        var (exitCode, output, errors) = await NodeScript.RunAsync("emulator-conformance.mjs", TimeSpan.FromMinutes(3), emulator.BaseUrl.ToString().TrimEnd('/'));

        var report = TryParse(output) ?? throw new Xunit.Sdk.XunitException($"The conformance script printed no report (exit {exitCode}):\n{output}\n{errors}");
        var results = report["results"]!.AsArray().Select(r => (
            Service: r!["service"]!.GetValue<string>(),
            Operation: r["operation"]!.GetValue<string>(),
            Ok: r["ok"]!.GetValue<bool>(),
            Detail: r["detail"]!.GetValue<string>())).ToList();
        var failures = results.Where(r => !r.Ok).Select(r => $"{r.Service} {r.Operation}: {r.Detail}").ToList();
        var missing = Operations.Where(o => !results.Any(r => r.Ok && r.Service == o.Service && r.Operation == o.Operation))
            .Select(o => $"{o.Service} {o.Operation}: never answered successfully").ToList();

        Assert.True(failures.Count == 0 && missing.Count == 0, string.Join("\n", failures.Concat(missing)));
        Assert.Equal(0, exitCode);
        foreach (var service in new[] { "cloudformation", "elasticloadbalancing", "codepipeline", "secretsmanager", "s3", "logs", "codebuild", "acm" })
        {
            Assert.Contains(results, r => r.Service == service && r.Operation.EndsWith("(throttled)", StringComparison.Ordinal) && r.Ok);
            Assert.Contains(results, r => r.Service == service && r.Operation.EndsWith("(retried)", StringComparison.Ordinal) && r.Ok);
        }
        // A client whose clock is off is refused, and an SDK corrects its clock from the answer's Date and retries.
        foreach (var service in new[] { "cloudformation", "secretsmanager" })
        {
            Assert.Contains(results, r => r.Service == service && r.Operation.EndsWith("(clock skewed)", StringComparison.Ordinal) && r.Ok);
            Assert.Contains(results, r => r.Service == service && r.Operation.EndsWith("(clock corrected)", StringComparison.Ordinal) && r.Ok);
        }
    }

    private static JsonObject? TryParse(string output)
    {
        try
        {
            return JsonNode.Parse(output) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
