using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// Turns a service error met while provisioning into the failure CloudFormation reports in stack events:
/// Resource handler returned message: "… (Service: X, Status Code: 400, Request ID: …)" (RequestToken: …, HandlerErrorCode: …).
/// </summary>
public static class HandlerErrors
{
    public static T Call<T>(string service, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (AwsServiceException error)
        {
            throw Failure(service, error.Message, (int)error.Status, HandlerCode(error.Code));
        }
    }

    public static void Call(string service, Action call) => Call(service, () => { call(); return true; });

    public static ResourceFailedException Failure(string service, string message, int status = 400, string handlerCode = "InvalidRequest") =>
        new($"Resource handler returned message: \"{message} (Service: {service}, Status Code: {status}, Request ID: {Ids.Uuid()})\" (RequestToken: {Ids.Uuid()}, HandlerErrorCode: {handlerCode})");

    private static string HandlerCode(string code) => code switch
    {
        "ResourceInUse" => "ResourceConflict",
        _ when code.StartsWith("TooMany", StringComparison.Ordinal) || code.EndsWith("Limit", StringComparison.Ordinal) => "ServiceLimitExceeded",
        _ when code.Contains("InUse", StringComparison.Ordinal) || code.StartsWith("Duplicate", StringComparison.Ordinal) || code.Contains("Exists", StringComparison.Ordinal) => "AlreadyExists",
        _ when code.Contains("NotFound", StringComparison.Ordinal) => "NotFound",
        "ValidationError" or "ValidationException" or "InvalidParameterException" or "InvalidRequestException" => "InvalidRequest",
        _ => "GeneralServiceException",
    };
}
