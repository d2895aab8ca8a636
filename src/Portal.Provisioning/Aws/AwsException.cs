namespace Portal.Provisioning.Aws;

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
}

/// <summary>The request was refused as invalid (ValidationError, ValidationException, InvalidParameter..., 4xx).</summary>
public class AwsValidationException(string service, string code, string message, string? requestId, int statusCode)
    : AwsException(service, code, message, requestId, statusCode, retryable: false);

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
