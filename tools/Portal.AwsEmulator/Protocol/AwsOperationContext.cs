using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.Protocol;

/// <summary>One decoded AWS request, whatever wire protocol it came in on.</summary>
public sealed class AwsOperationContext
{
    public required string Service { get; init; }
    public required string Operation { get; init; }
    public required string RequestId { get; init; }

    /// <summary>Query protocol: the decoded form fields (Action and Version included), flattened as AWS sends them, e.g. "Parameters.member.1.ParameterKey".</summary>
    public IReadOnlyDictionary<string, string> QueryParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>JSON 1.1 protocol: the request body.</summary>
    public JsonObject JsonBody { get; init; } = new();

    public required IHeaderDictionary Headers { get; init; }
}
