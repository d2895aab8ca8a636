using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Aws.Protocol;

/// <summary>
/// The AWS JSON 1.1 protocol (CodePipeline, Secrets Manager): POST with "X-Amz-Target: Prefix.Operation" and
/// application/x-amz-json-1.1 both ways; timestamps are epoch seconds; errors carry "__type" (namespace prefix
/// "com.amazonaws.service#" stripped) and "message".
/// </summary>
public sealed class JsonProtocol(AwsService service, string targetPrefix, AwsRequestSender sender)
{
    public const string ContentType = "application/x-amz-json-1.1";

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public async Task<JsonElement> InvokeAsync(string operation, JsonObject input, CancellationToken cancellationToken)
    {
        var request = new AwsWireRequest(operation, Encoding.UTF8.GetBytes(input.ToJsonString()), ContentType, $"{targetPrefix}.{operation}");
        var response = await sender.SendAsync(service, request, DecodeError, cancellationToken);
        return ReadResult(operation, response.Body);
    }

    public static JsonElement ReadResult(string operation, byte[] body)
    {
        if (body.Length == 0) return EmptyObject;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new AwsProtocolException($"The {operation} answer is not JSON: {e.Message}");
        }
    }

    public static AwsErrorInfo DecodeError(AwsWireResponse response)
    {
        string? type = null, message = null, requestId = null;
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var root = document.RootElement;
                type = root.Str("__type") ?? root.Str("code") ?? root.Str("Code");
                message = root.Str("message") ?? root.Str("Message") ?? root.Str("errorMessage");
                requestId = root.Str("RequestId");
            }
        }
        catch (JsonException)
        {
        }
        type ??= response.ErrorType;
        var code = type is null ? AwsErrors.CodeForStatus(response.StatusCode) : SanitizeCode(type);
        return new AwsErrorInfo(code, message ?? $"HTTP {response.StatusCode}.", requestId ?? response.RequestId);
    }

    /// <summary>"com.amazonaws.codepipeline#PipelineNotFoundException" and "ValidationException:http://internal..." become the bare code.</summary>
    public static string SanitizeCode(string type)
    {
        var code = type;
        var colon = code.IndexOf(':');
        if (colon >= 0) code = code[..colon];
        var hash = code.LastIndexOf('#');
        if (hash >= 0) code = code[(hash + 1)..];
        return code.Trim();
    }
}
