namespace Portal.Aws.Protocol;

/// <summary>An error as a protocol decoded it from an AWS answer, before it becomes a typed exception.</summary>
public sealed record AwsErrorInfo(string Code, string Message, string? RequestId);

/// <summary>The one place that decides which AWS errors are retried and which exception type each becomes.</summary>
public static class AwsErrors
{
    /// <summary>AWS's throttling codes (the AWS SDKs' shared list).</summary>
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    /// <summary>AWS's transient codes: a retry is likely to succeed.</summary>
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException", "TimeoutError", "InternalFailure", "InternalError", "ServiceUnavailable",
        "NetworkingError",
    };

    /// <summary>The service is busy with the resource, or at a limit that frees itself: not now, but later.</summary>
    private static readonly HashSet<string> BusyCodes = new(StringComparer.Ordinal)
    {
        "ConflictException", "ConcurrentPipelineExecutionsLimitExceededException", "LimitExceededException",
        "ConcurrentModificationException", "OperationInProgressException",
        // S3: another conditional write to the same key is in progress.
        "ConditionalRequestConflict",
    };

    /// <summary>CodePipeline's answers for an approval that no longer waits for this token.</summary>
    private static readonly HashSet<string> ApprovalNotPendingCodes = new(StringComparer.Ordinal)
    {
        "InvalidApprovalTokenException", "ApprovalAlreadyCompletedException", "PipelineExecutionNotFoundException",
        "StageNotFoundException", "ActionNotFoundException", "PipelineNotFoundException",
    };

    /// <summary>Synthesized codes for failures without an AWS answer.</summary>
    public const string TimeoutCode = "TimeoutError";
    public const string NetworkingCode = "NetworkingError";

    public static bool IsThrottling(string code, int statusCode) => ThrottlingCodes.Contains(code) || statusCode == 429;

    public static bool IsBusy(string code) => BusyCodes.Contains(code);

    public static bool IsApprovalNotPending(string code) => ApprovalNotPendingCodes.Contains(code);

    public static bool IsRetryable(string code, int statusCode) =>
        IsThrottling(code, statusCode) || TransientCodes.Contains(code) || statusCode >= 500;

    /// <summary>
    /// "...NotFound" and "...NotFoundException" codes, and CloudFormation's ValidationError "Stack with id X does not exist"
    /// (CloudFormation has no not-found code for stacks).
    /// </summary>
    public static bool IsNotFound(string code, string message) =>
        code.EndsWith("NotFound", StringComparison.Ordinal) || code.EndsWith("NotFoundException", StringComparison.Ordinal) ||
        (code == "ValidationError" && message.StartsWith("Stack with id ", StringComparison.Ordinal) && message.EndsWith(" does not exist", StringComparison.Ordinal));

    public static AwsException Create(AwsService service, AwsErrorInfo error, int statusCode)
    {
        var (code, message, requestId) = error;
        if (IsRetryable(code, statusCode))
            return new AwsException(service.SigningName, code, message, requestId, statusCode, retryable: true);
        if (code == "AlreadyExistsException" || code.EndsWith("AlreadyExistsException", StringComparison.Ordinal))
            return new AwsAlreadyExistsException(service.SigningName, code, message, requestId, statusCode);
        if (IsNotFound(code, message))
            return new AwsNotFoundException(service.SigningName, code, message, requestId, statusCode);
        if (statusCode is >= 400 and < 500)
            return new AwsValidationException(service.SigningName, code, message, requestId, statusCode);
        return new AwsException(service.SigningName, code, message, requestId, statusCode, retryable: false);
    }

    /// <summary>A code for an answer whose body carried none (an HTML error page from a proxy, an empty 503...). A bare 404 stays
    /// "Http404": it means a wrong endpoint, not a missing resource.</summary>
    public static string CodeForStatus(int statusCode) => statusCode switch
    {
        429 => "TooManyRequestsException",
        503 => "ServiceUnavailable",
        >= 500 => "InternalFailure",
        _ => $"Http{statusCode}",
    };
}
