using System.Diagnostics;
using System.Diagnostics.Metrics;
using Portal.Releases.GitLab;
using Portal.Releases.Webhooks;

namespace Portal.Releases;

/// <summary>
/// Traces and metrics of the push journey: one activity per webhook delivery, release start and sync round; the
/// counter portal.webhook.deliveries (kind, answer) and the histogram portal.release.push_to_start (seconds).
/// </summary>
public sealed class ReleaseTelemetry
{
    /// <summary>The ActivitySource and Meter name of this assembly.</summary>
    public const string Name = "Portal.Releases";

    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> deliveries;
    private readonly Histogram<double> pushToStart;

    public ReleaseTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        deliveries = meter.CreateCounter<long>("portal.webhook.deliveries", "{delivery}",
            "GitLab webhook deliveries received, by event kind and the portal's answer.");
        pushToStart = meter.CreateHistogram<double>("portal.release.push_to_start", "s",
            "From a push being received to its pipeline execution being started.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
    }

    public void Delivered(GitLabDelivery delivery, PushOutcome outcome, Activity? activity)
    {
        var (kind, answer) = (Kind(delivery.Event), Answer(outcome));
        deliveries.Add(1, new TagList { { "kind", kind }, { "answer", answer } });
        activity?.SetTag("gitlab.event", kind);
        activity?.SetTag("portal.webhook.answer", answer);
    }

    public void Started(DateTimeOffset receivedAt, DateTimeOffset startedAt) =>
        pushToStart.Record(Math.Max(0, (startedAt - receivedAt).TotalSeconds));

    /// <summary>GitLab's event names (X-Gitlab-Event) as a tag of bounded cardinality: anything else is "other".</summary>
    public static string Kind(string? gitLabEvent) => gitLabEvent switch
    {
        null or "" => "none",
        GitLabDelivery.PushHook => "push",
        GitLabDelivery.SystemHook => "system",
        "Tag Push Hook" => "tag_push",
        "Merge Request Hook" => "merge_request",
        "Pipeline Hook" => "pipeline",
        "Job Hook" => "job",
        _ => "other",
    };

    public static string Answer(PushOutcome outcome) => outcome switch
    {
        PushAccepted => "accepted",
        PushHeld => "held",
        PushDuplicate => "duplicate",
        PushIgnored => "ignored",
        PushInvalid => "invalid",
        PushTooLarge => "too_large",
        PushUnauthorized => "unauthorized",
        PushForbidden => "forbidden",
        PushThrottled => "throttled",
        _ => "other",
    };
}
