using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudWatchLogs;

public sealed class LogGroupRecord
{
    public string Name { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public int? RetentionInDays { get; set; }
    public Dictionary<string, LogStreamRecord> Streams { get; set; } = new(StringComparer.Ordinal);
}

public sealed class LogStreamRecord
{
    public string Name { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public List<LogEventRecord> Events { get; set; } = [];
}

/// <summary>One event: epoch milliseconds, as CloudWatch Logs keeps them.</summary>
public sealed record LogEventRecord(long Timestamp, string Message, long IngestionTime);

/// <summary>The log groups, streams and events of one region, under one lock.</summary>
public sealed class LogStore(string region, string accountId)
{
    private readonly Lock gate = new();
    private Dictionary<string, LogGroupRecord> groups = new(StringComparer.Ordinal);

    public string GroupArn(string name) => $"arn:{Arns.Partition(region)}:logs:{region}:{accountId}:log-group:{name}";

    /// <summary>False when the group exists already.</summary>
    public bool CreateGroup(string name, int? retentionInDays)
    {
        lock (gate)
        {
            if (groups.ContainsKey(name)) return false;
            groups[name] = new LogGroupRecord { Name = name, Created = DateTimeOffset.UtcNow, RetentionInDays = retentionInDays };
            return true;
        }
    }

    public void DeleteGroup(string name)
    {
        lock (gate) groups.Remove(name);
    }

    /// <summary>Writes events to a stream, creating the group and the stream when missing (as CodeBuild does with logs:CreateLogGroup).</summary>
    public void Append(string groupName, string streamName, IEnumerable<(DateTimeOffset Time, string Message)> events)
    {
        lock (gate)
        {
            if (!groups.TryGetValue(groupName, out var group))
                groups[groupName] = group = new LogGroupRecord { Name = groupName, Created = DateTimeOffset.UtcNow };
            if (!group.Streams.TryGetValue(streamName, out var stream))
                group.Streams[streamName] = stream = new LogStreamRecord { Name = streamName, Created = DateTimeOffset.UtcNow };
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            stream.Events.AddRange(events.Select(e => new LogEventRecord(e.Time.ToUnixTimeMilliseconds(), e.Message, now)));
        }
    }

    /// <summary>The stream's events in timestamp order (stable for equal timestamps).</summary>
    public IReadOnlyList<LogEventRecord> Events(string groupName, string streamName)
    {
        lock (gate)
        {
            var group = Group(groupName);
            var stream = group.Streams.GetValueOrDefault(streamName)
                ?? throw new AwsServiceException("ResourceNotFoundException", "The specified log stream does not exist.");
            return stream.Events.OrderBy(e => e.Timestamp).ToList();
        }
    }

    public IReadOnlyList<LogStreamRecord> Streams(string groupName)
    {
        lock (gate)
            return Group(groupName).Streams.Values.OrderBy(s => s.Name, StringComparer.Ordinal)
                .Select(s => new LogStreamRecord { Name = s.Name, Created = s.Created, Events = [.. s.Events] }).ToList();
    }

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(groups.Values.ToList(), StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate)
            groups = (node?.Deserialize<List<LogGroupRecord>>(StateJson.Options) ?? [])
                .ToDictionary(g => g.Name, g => { g.Streams = new Dictionary<string, LogStreamRecord>(g.Streams, StringComparer.Ordinal); return g; }, StringComparer.Ordinal);
    }

    private LogGroupRecord Group(string name) =>
        groups.GetValueOrDefault(name) ?? throw new AwsServiceException("ResourceNotFoundException", "The specified log group does not exist.");
}
