using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Portal.Aws.Protocol;

/// <summary>
/// Traces and metrics of the AWS calls made through <see cref="AwsRequestSender"/>: one activity per call (retries
/// included) with the service and operation as attributes, and the counters portal.aws.calls and portal.aws.errors
/// (service, operation, code).
/// </summary>
public sealed class AwsTelemetry
{
    /// <summary>The ActivitySource and Meter name of this assembly.</summary>
    public const string Name = "Portal.Aws";

    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> calls;
    private readonly Counter<long> errors;

    public AwsTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        calls = meter.CreateCounter<long>("portal.aws.calls", "{call}", "AWS API calls made, by service, operation and outcome code.");
        errors = meter.CreateCounter<long>("portal.aws.errors", "{call}", "AWS API calls that failed, by service, operation and AWS error code.");
    }

    /// <summary>An activity for one call, following the OpenTelemetry semantic conventions for AWS SDK calls.</summary>
    public static Activity? StartCall(AwsService service, string operation)
    {
        var activity = Source.StartActivity($"{service.SigningName}.{operation}", ActivityKind.Client);
        activity?.SetTag("rpc.system", "aws-api");
        activity?.SetTag("rpc.service", service.SigningName);
        activity?.SetTag("rpc.method", operation);
        return activity;
    }

    public void Succeeded(AwsService service, string operation) => calls.Add(1, Tags(service, operation, "OK"));

    public void Failed(Activity? activity, AwsService service, string operation, AwsException error)
    {
        var tags = Tags(service, operation, error.Code);
        calls.Add(1, tags);
        errors.Add(1, tags);
        activity?.SetTag("aws.error.code", error.Code);
        activity?.SetTag("http.response.status_code", error.StatusCode);
        activity?.SetTag("aws.request_id", error.RequestId);
        activity?.SetStatus(ActivityStatusCode.Error, error.Code);
    }

    private static TagList Tags(AwsService service, string operation, string code) =>
        new() { { "service", service.SigningName }, { "operation", operation }, { "code", code } };
}
