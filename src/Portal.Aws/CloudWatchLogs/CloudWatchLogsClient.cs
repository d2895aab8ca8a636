using System.Text.Json.Nodes;
using Portal.Aws.Protocol;

namespace Portal.Aws.CloudWatchLogs;

/// <summary>CloudWatch Logs over JSON 1.1 (target prefix Logs_20140328), member names as in AWS's API reference.</summary>
public sealed class CloudWatchLogsClient(AwsRequestSender sender) : ILogs
{
    public const string TargetPrefix = "Logs_20140328";
    private const int MaxLimit = 10_000;
    private readonly JsonProtocol json = new(AwsService.CloudWatchLogs, TargetPrefix, sender);

    public async Task<IReadOnlyList<LogEvent>> TailAsync(string logGroupName, string logStreamName, int limit, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject()
            .Set("logGroupName", logGroupName)
            .Set("logStreamName", logStreamName)
            .Set("limit", Math.Clamp(limit, 1, MaxLimit))
            .Set("startFromHead", false);
        var r = await json.InvokeAsync("GetLogEvents", input, cancellationToken);
        return r.Items("events")
            .Select(e => new LogEvent(
                DateTimeOffset.FromUnixTimeMilliseconds(e.Member("timestamp")?.GetInt64() ?? 0),
                e.Str("message") ?? ""))
            .ToList();
    }
}
