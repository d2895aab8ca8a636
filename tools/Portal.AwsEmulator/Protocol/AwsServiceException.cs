using System.Net;

namespace Portal.AwsEmulator.Protocol;

/// <summary>An error answered the way AWS answers it: a code, a message, an HTTP status and whether the caller or the service is at fault.</summary>
public class AwsServiceException(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest, bool senderFault = true)
    : Exception(message)
{
    public string Code { get; } = code;
    public HttpStatusCode Status { get; } = status;
    public bool SenderFault { get; } = senderFault;

    public static AwsServiceException Validation(string message) => new("ValidationError", message);
}
