using Portal.Aws.Protocol;

namespace Portal.Aws;

/// <summary>An error answered by AWS (or the emulator): AWS's error code, message and request id, and whether a retry may help.</summary>
public class AwsException(string service, string code, string message, string? requestId, int statusCode, bool retryable, Exception? inner = null)
    : Exception($"{service}: {code}: {message}", inner)
{
    /// <summary>"cloudformation", "codepipeline", "elasticloadbalancing" or "secretsmanager".</summary>
    public string Service { get; } = service;

    /// <summary>AWS's error code, e.g. "ValidationError", "PipelineNotFoundException", "Throttling".</summary>
    public string Code { get; } = code;

    /// <summary>AWS's own message, without the service and code prefix.</summary>
    public string AwsMessage { get; } = message;
    public string? RequestId { get; } = requestId;
    public int StatusCode { get; } = statusCode;

    /// <summary>Throttling, 5xx and transport failures: the retry policy already retried it within its budget.</summary>
    public bool Retryable { get; } = retryable;

    /// <summary>
    /// "Not now" rather than "never": retryable, or the service is busy with the resource or at a limit that frees itself
    /// (CodePipeline's ConflictException and ConcurrentPipelineExecutionsLimitExceededException, LimitExceededException):
    /// worth trying again minutes later, unlike a validation error.
    /// </summary>
    public bool RetryLater => Retryable || AwsErrors.IsBusy(Code);
}

/// <summary>The request was refused as invalid (ValidationError, ValidationException, InvalidParameter..., 4xx).</summary>
public class AwsValidationException(string service, string code, string message, string? requestId, int statusCode)
    : AwsException(service, code, message, requestId, statusCode, retryable: false);

/// <summary>A resource of that name exists already (CloudFormation's AlreadyExistsException, a secret or rule of that name...).</summary>
public class AwsAlreadyExistsException(string service, string code, string message, string? requestId, int statusCode)
    : AwsValidationException(service, code, message, requestId, statusCode);

/// <summary>
/// CodePipeline no longer waits for this approval: the token is stale (the execution was superseded or run again), the
/// approval was decided elsewhere, or the execution, stage, action or pipeline is gone. Nothing was decided.
/// </summary>
public class AwsApprovalNotPendingException(string service, string code, string message, string? requestId, int statusCode)
    : AwsValidationException(service, code, message, requestId, statusCode);

/// <summary>The named stack, pipeline, execution, rule, secret... does not exist.</summary>
public class AwsNotFoundException(string service, string code, string message, string? requestId, int statusCode)
    : AwsException(service, code, message, requestId, statusCode, retryable: false);

/// <summary>AWS kept throttling or failing after every retry the budget allowed; Code, message and request id are the last attempt's.</summary>
public class AwsUnavailableException(string service, string code, string message, string? requestId, int statusCode, Exception? inner = null, int attempts = 0)
    : AwsException(service, code, message, requestId, statusCode, retryable: true, inner)
{
    /// <summary>How many attempts were made before giving up.</summary>
    public int Attempts { get; } = attempts;
}

/// <summary>A page of a paginated AWS list and the token for the next page (null on the last page).</summary>
public sealed record AwsPage<T>(IReadOnlyList<T> Items, string? NextToken);
