namespace Portal.Aws.CloudWatchLogs;

/// <summary>The CloudWatch Logs calls the portal makes: the end of one log stream.</summary>
public interface ILogs
{
    /// <summary>
    /// GetLogEvents without a token and startFromHead false: the newest <paramref name="limit"/> events (at most 10,000),
    /// oldest first. A group or stream that does not exist (yet) is <see cref="AwsNotFoundException"/>.
    /// </summary>
    Task<IReadOnlyList<LogEvent>> TailAsync(string logGroupName, string logStreamName, int limit, CancellationToken cancellationToken = default);
}

public sealed record LogEvent(DateTimeOffset Timestamp, string Message);
