using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.Protocol;

/// <summary>One decoded AWS request, whatever wire protocol it came in on.</summary>
public sealed class AwsOperationContext
{
    /// <summary>The service's short name, e.g. "cloudformation".</summary>
    public required string Service { get; init; }
    public required string Operation { get; init; }
    public required string RequestId { get; init; }

    /// <summary>From the SigV4 credential scope of the Authorization header; the default region without one.</summary>
    public required string Region { get; init; }
    public required string AccountId { get; init; }

    /// <summary>Query protocol: the decoded form fields (Action and Version included).</summary>
    public QueryInput Query { get; init; } = QueryInput.Empty;

    /// <summary>JSON 1.1 protocol: the request body.</summary>
    public JsonObject Json { get; init; } = new();
}
