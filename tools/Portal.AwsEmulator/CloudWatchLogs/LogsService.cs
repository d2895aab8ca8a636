using System.Globalization;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudWatchLogs;

/// <summary>
/// CloudWatch Logs (JSON 1.1, target prefix Logs_20140328): reading the logs the emulated CodeBuild builds write.
/// GetLogEvents pages with nextForwardToken / nextBackwardToken like AWS: without a token it reads the newest events
/// (or, with startFromHead, the oldest), and at the end of the stream the forward token it answers is the one it was given.
/// </summary>
public sealed class LogsService(EmulatorState state) : IJsonService
{
    private const int MaxLimit = 10000;
    private static readonly HashSet<string> Operations = ["GetLogEvents", "FilterLogEvents", "DescribeLogStreams"];

    public string Name => "logs";
    public string TargetPrefix => "Logs_20140328";
    public string ThrottlingCode => "ThrottlingException";

    public bool Supports(string operation) => Operations.Contains(operation);

    public Task<JsonObject> HandleAsync(AwsOperationContext context, CancellationToken cancellationToken)
    {
        var logs = state.Region(context.Region).Logs;
        return Task.FromResult(context.Operation switch
        {
            "GetLogEvents" => GetLogEvents(logs, context.Json),
            "FilterLogEvents" => FilterLogEvents(logs, context.Json),
            "DescribeLogStreams" => DescribeLogStreams(logs, context.Json),
            _ => throw new AwsServiceException("UnknownOperationException", $"Unknown operation {context.Operation}"),
        });
    }

    private static JsonObject GetLogEvents(LogStore logs, JsonObject body)
    {
        var group = GroupName(body);
        var stream = Required(body, "logStreamName");
        var limit = Limit(body);
        var (start, end) = (Long(body, "startTime"), Long(body, "endTime"));
        var events = logs.Events(group, stream).Where(e => (start is null || e.Timestamp >= start) && (end is null || e.Timestamp < end)).ToList();

        var token = body.String("nextToken");
        int from, to;
        if (token is not null)
        {
            var (forward, position) = LogTokens.Decode(token, events.Count)
                ?? throw new AwsServiceException("InvalidParameterException", "The specified nextToken is invalid.");
            (from, to) = forward ? (position, Math.Min(events.Count, position + limit)) : (Math.Max(0, position - limit), position);
        }
        else if (body.Bool("startFromHead") == true)
        {
            (from, to) = (0, Math.Min(events.Count, limit));
        }
        else
        {
            (from, to) = (Math.Max(0, events.Count - limit), events.Count);
        }
        return new JsonObject
        {
            ["events"] = new JsonArray(events.Skip(from).Take(to - from).Select(e => (JsonNode?)Event(e)).ToArray()),
            ["nextForwardToken"] = LogTokens.Encode(forward: true, to),
            ["nextBackwardToken"] = LogTokens.Encode(forward: false, from),
        };
    }

    private static JsonObject FilterLogEvents(LogStore logs, JsonObject body)
    {
        var group = GroupName(body);
        var names = body["logStreamNames"] is JsonArray list ? list.Select(n => n?.GetValue<string>() ?? "").ToList() : null;
        var prefix = body.String("logStreamNamePrefix");
        if (names is not null && prefix is not null)
            throw new AwsServiceException("InvalidParameterException", "Cannot specify both logStreamNames and logStreamNamePrefix.");
        var limit = Limit(body);
        var (start, end) = (Long(body, "startTime"), Long(body, "endTime"));
        var terms = FilterTerms(body.String("filterPattern"));
        var streams = logs.Streams(group).Where(s => (names is null || names.Contains(s.Name)) && (prefix is null || s.Name.StartsWith(prefix, StringComparison.Ordinal)));
        var matches = streams
            .SelectMany(s => s.Events.Select((e, i) => (Stream: s.Name, Event: e, Index: i)))
            .Where(m => (start is null || m.Event.Timestamp >= start) && (end is null || m.Event.Timestamp <= end)
                && terms.All(t => m.Event.Message.Contains(t, StringComparison.Ordinal)))
            .OrderBy(m => m.Event.Timestamp).ThenBy(m => m.Stream, StringComparer.Ordinal).ThenBy(m => m.Index)
            .ToList();
        var listing = $"filter:{group}";
        var position = PageToken.Decode(listing, body.String("nextToken"))
            ?? throw new AwsServiceException("InvalidParameterException", "The specified nextToken is invalid.");
        var (page, next) = PageToken.Page(matches, listing, position, limit);
        var result = new JsonObject
        {
            ["events"] = new JsonArray(page.Select(m =>
            {
                var e = Event(m.Event);
                e["logStreamName"] = m.Stream;
                e["eventId"] = $"{m.Event.Timestamp:D20}{m.Index:D16}";
                return (JsonNode?)e;
            }).ToArray()),
            ["searchedLogStreams"] = new JsonArray(streams.Select(s => (JsonNode?)new JsonObject { ["logStreamName"] = s.Name, ["searchedCompletely"] = next is null }).ToArray()),
        };
        if (next is not null) result["nextToken"] = next;
        return result;
    }

    private static JsonObject DescribeLogStreams(LogStore logs, JsonObject body)
    {
        var group = GroupName(body);
        var prefix = body.String("logStreamNamePrefix");
        var orderBy = body.String("orderBy") ?? "LogStreamName";
        if (orderBy is not ("LogStreamName" or "LastEventTime"))
            throw new AwsServiceException("InvalidParameterException", $"1 validation error detected: Value '{orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]");
        if (orderBy == "LastEventTime" && prefix is not null)
            throw new AwsServiceException("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.");
        var limit = body.Int("limit") ?? 50;
        if (limit is < 1 or > 50)
            throw new AwsServiceException("InvalidParameterException", $"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50");
        var streams = logs.Streams(group).Where(s => prefix is null || s.Name.StartsWith(prefix, StringComparison.Ordinal));
        streams = orderBy == "LastEventTime" ? streams.OrderBy(s => s.Events.Count == 0 ? 0 : s.Events.Max(e => e.Timestamp)) : streams;
        if (body.Bool("descending") == true) streams = streams.Reverse();
        var listing = $"streams:{group}:{orderBy}:{prefix}";
        var position = PageToken.Decode(listing, body.String("nextToken"))
            ?? throw new AwsServiceException("InvalidParameterException", "The specified nextToken is invalid.");
        var (page, next) = PageToken.Page(streams.ToList(), listing, position, limit);
        var result = new JsonObject
        {
            ["logStreams"] = new JsonArray(page.Select(s =>
            {
                var stream = new JsonObject
                {
                    ["logStreamName"] = s.Name,
                    ["creationTime"] = s.Created.ToUnixTimeMilliseconds(),
                    ["arn"] = $"{logs.GroupArn(group)}:log-stream:{s.Name}",
                    ["storedBytes"] = 0,
                };
                if (s.Events.Count > 0)
                {
                    stream["firstEventTimestamp"] = s.Events.Min(e => e.Timestamp);
                    stream["lastEventTimestamp"] = s.Events.Max(e => e.Timestamp);
                    stream["lastIngestionTime"] = s.Events.Max(e => e.IngestionTime);
                }
                return (JsonNode?)stream;
            }).ToArray()),
        };
        if (next is not null) result["nextToken"] = next;
        return result;
    }

    /// <summary>logGroupName or logGroupIdentifier (a name or an ARN), exactly one of them.</summary>
    private static string GroupName(JsonObject body)
    {
        var name = body.String("logGroupName");
        var identifier = body.String("logGroupIdentifier");
        if (name is not null && identifier is not null)
            throw new AwsServiceException("InvalidParameterException", "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
        if (identifier is not null)
        {
            const string marker = ":log-group:";
            var at = identifier.IndexOf(marker, StringComparison.Ordinal);
            return at < 0 ? identifier : identifier[(at + marker.Length)..].TrimEnd('*').TrimEnd(':');
        }
        return name ?? throw new AwsServiceException("InvalidParameterException", "Either logGroupName or logGroupIdentifier must be specified.");
    }

    private static string Required(JsonObject body, string member) => body.String(member) is { Length: > 0 } value
        ? value
        : throw new AwsServiceException("InvalidParameterException", AwsServiceException.MissingMemberMessage(member));

    private static int Limit(JsonObject body)
    {
        var limit = body.Int("limit") ?? MaxLimit;
        return limit is < 1 or > MaxLimit
            ? throw new AwsServiceException("InvalidParameterException",
                $"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value {(limit < 1 ? "greater than or equal to 1" : $"less than or equal to {MaxLimit}")}")
            : limit;
    }

    private static long? Long(JsonObject body, string name) => body[name] is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    /// <summary>The terms of a simple filter pattern: every term (or quoted phrase) must appear in the message.</summary>
    private static IReadOnlyList<string> FilterTerms(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) return [];
        var terms = new List<string>();
        var rest = pattern.Trim();
        while (rest.Length > 0)
        {
            if (rest[0] == '"')
            {
                var close = rest.IndexOf('"', 1);
                terms.Add(close < 0 ? rest[1..] : rest[1..close]);
                rest = close < 0 ? "" : rest[(close + 1)..].TrimStart();
            }
            else
            {
                var space = rest.IndexOf(' ');
                terms.Add(space < 0 ? rest : rest[..space]);
                rest = space < 0 ? "" : rest[(space + 1)..].TrimStart();
            }
        }
        return terms;
    }

    private static JsonObject Event(LogEventRecord e) => new() { ["timestamp"] = e.Timestamp, ["message"] = e.Message, ["ingestionTime"] = e.IngestionTime };
}

/// <summary>GetLogEvents' tokens: "f/" or "b/", a 56-digit position, "/s", the shape AWS's tokens have.</summary>
public static class LogTokens
{
    public static string Encode(bool forward, int position) =>
        $"{(forward ? 'f' : 'b')}/{position.ToString(CultureInfo.InvariantCulture).PadLeft(56, '0')}/s";

    public static (bool Forward, int Position)? Decode(string token, int count)
    {
        var parts = token.Split('/');
        if (parts.Length != 3 || parts[0] is not ("f" or "b") || parts[2] != "s" || parts[1].Length != 56
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position > count) return null;
        return (parts[0] == "f", position);
    }
}
