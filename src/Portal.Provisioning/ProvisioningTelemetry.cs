using System.Diagnostics;
using System.Diagnostics.Metrics;
using Portal.Data.Entities;

namespace Portal.Provisioning;

/// <summary>
/// Traces and metrics of the host journey: one activity per provisioning step, and the histogram
/// portal.provisioning.duration (seconds from the order to the host being Active or Failed, by outcome).
/// </summary>
public sealed class ProvisioningTelemetry
{
    /// <summary>The ActivitySource and Meter name of this assembly.</summary>
    public const string Name = "Portal.Provisioning";

    public static readonly ActivitySource Source = new(Name);

    private readonly Histogram<double> duration;

    public ProvisioningTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        duration = meter.CreateHistogram<double>("portal.provisioning.duration", "s",
            "From a host being ordered to it being Active (or Failed) for the first time, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [10, 30, 60, 120, 300, 600, 900, 1800, 3600] });
    }

    /// <summary>Records the order's duration when the host leaves provisioning for good.</summary>
    public void HostBecame(Host host, HostState before, DateTimeOffset now)
    {
        if (before is not (HostState.Ordered or HostState.Provisioning) || host.State is not (HostState.Active or HostState.Failed)) return;
        duration.Record(Math.Max(0, (now - host.CreatedAt).TotalSeconds),
            new KeyValuePair<string, object?>("outcome", host.State == HostState.Active ? "active" : "failed"));
    }
}
