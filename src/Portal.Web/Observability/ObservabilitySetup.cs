using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Portal.Aws.Protocol;
using Portal.Provisioning;
using Portal.Releases;

namespace Portal.Web.Observability;

/// <summary>
/// OpenTelemetry for the portal: the meters of every assembly (one each) plus ASP.NET Core's and HttpClient's, served
/// for Prometheus at <c>/metrics</c>; traces of HTTP requests, AWS calls, Postgres commands, jobs, webhook deliveries
/// and release starts and syncs, exported with metrics by OTLP when <c>Portal:Otlp:Endpoint</c> is set.
/// </summary>
public static class ObservabilitySetup
{
    public const string ServiceName = "portal";

    private static readonly string[] Names = [AwsTelemetry.Name, ReleaseTelemetry.Name, ProvisioningTelemetry.Name, JobTelemetry.Name];

    public static IServiceCollection AddPortalObservability(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ObservabilityOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton<JobTelemetry>();

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: Environment.MachineName + "-" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Names).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddPrometheusExporter();
                if (options.OtlpEndpoint is not null) metrics.AddOtlpExporter(otlp => Configure(otlp, options, "v1/metrics"));
            });
        // Traces go only to OTLP: without a collector they are not recorded at all.
        if (options.OtlpEndpoint is not null)
            telemetry.WithTracing(tracing => tracing
                .AddSource(Names)
                .AddAspNetCoreInstrumentation(asp => asp.Filter = http => !http.Request.Path.StartsWithSegments("/health")
                    && !http.Request.Path.StartsWithSegments(MetricsAccess.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(otlp => Configure(otlp, options, "v1/traces")));
        return services;
    }

    /// <summary>The scrape endpoint, behind <see cref="MetricsAccess"/>; after authentication, which it needs to know operators.</summary>
    public static IApplicationBuilder UsePortalMetricsEndpoint(this IApplicationBuilder app) =>
        app.UseMiddleware<MetricsAccess>().UseOpenTelemetryPrometheusScrapingEndpoint(MetricsAccess.Path);

    private static void Configure(OtlpExporterOptions otlp, ObservabilityOptions options, string signalPath)
    {
        var http = options.OtlpProtocol == "http/protobuf";
        otlp.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // Over HTTP each signal has a path of its own, which the exporter does not add to an endpoint set in code.
        var endpoint = options.OtlpEndpoint!;
        otlp.Endpoint = http ? new Uri(new Uri(endpoint.ToString().TrimEnd('/') + "/"), signalPath) : endpoint;
    }
}
