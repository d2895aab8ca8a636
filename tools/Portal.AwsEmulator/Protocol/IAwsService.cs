using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Portal.AwsEmulator.Protocol;

/// <summary>A service on the Query protocol (CloudFormation, ELBv2). Recognised by the form's Version field.</summary>
public interface IQueryService
{
    /// <summary>Short name used in fault rules, statistics and logs, e.g. "cloudformation", "elasticloadbalancing".</summary>
    string Name { get; }

    /// <summary>API version, e.g. "2010-05-15".</summary>
    string Version { get; }

    /// <summary>XML namespace of the responses, e.g. "http://cloudformation.amazonaws.com/doc/2010-05-15/".</summary>
    string XmlNamespace { get; }

    bool Supports(string action);

    /// <summary>
    /// Handles one action. Returns the children of the &lt;{Action}Result&gt; element (without namespace; the
    /// dispatcher puts everything in <see cref="XmlNamespace"/>), or null for an action whose response has no result element.
    /// Throws <see cref="AwsServiceException"/> for AWS errors.
    /// </summary>
    Task<IEnumerable<XElement>?> HandleAsync(AwsOperationContext context, CancellationToken cancellationToken);
}

/// <summary>A service on the JSON 1.1 protocol (CodePipeline, Secrets Manager). Recognised by the X-Amz-Target prefix.</summary>
public interface IJsonService
{
    /// <summary>Short name used in fault rules, statistics and logs, e.g. "codepipeline", "secretsmanager".</summary>
    string Name { get; }

    /// <summary>The X-Amz-Target prefix before the dot, e.g. "CodePipeline_20150709" or "secretsmanager".</summary>
    string TargetPrefix { get; }

    bool Supports(string operation);

    /// <summary>The error code this service answers when it throttles a caller.</summary>
    string ThrottlingCode { get; }

    /// <summary>Handles one operation and returns the response body. Throws <see cref="AwsServiceException"/> for AWS errors.</summary>
    Task<JsonObject> HandleAsync(AwsOperationContext context, CancellationToken cancellationToken);
}
