using System.Net;

namespace Portal.AwsEmulator.Protocol;

/// <summary>An error answered the way AWS answers it: a code, a message, an HTTP status and whether the caller or the service is at fault.</summary>
public class AwsServiceException(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest, bool senderFault = true)
    : Exception(message)
{
    public string Code { get; } = code;
    public HttpStatusCode Status { get; } = status;
    public bool SenderFault { get; } = senderFault;

    /// <summary>CloudFormation's and ELBv2's generic input error (Query protocol).</summary>
    public static AwsServiceException Validation(string message) => new("ValidationError", message);

    /// <summary>The generic input error of the JSON 1.1 services.</summary>
    public static AwsServiceException ValidationException(string message) => new("ValidationException", message);

    /// <summary>AWS's wording for a required member that was not sent.</summary>
    public static string MissingMemberMessage(string member) =>
        $"1 validation error detected: Value null at '{char.ToLowerInvariant(member[0])}{member[1..]}' failed to satisfy constraint: Member must not be null";
}
