using System.Net.Http.Headers;

namespace Portal.Provisioning.Aws.Protocol;

/// <summary>One serialized AWS call: the body, its content type and the X-Amz-Target header (JSON protocols only).</summary>
public sealed record AwsWireRequest(string Operation, byte[] Body, string ContentType, string? Target = null);

/// <summary>An AWS answer as received; <see cref="RequestId"/> and <see cref="ErrorType"/> come from AWS's x-amzn headers.</summary>
public sealed record AwsWireResponse(int StatusCode, byte[] Body, string? RequestId, string? ErrorType)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>
/// The HTTP part shared by every service client: signs a serialized request with SigV4, sends it to the service's
/// endpoint through IHttpClientFactory, and turns an error answer into a typed exception (via the protocol's decoder and
/// <see cref="AwsErrors"/>), all under the retry policy.
/// </summary>
public sealed class AwsRequestSender(
    IHttpClientFactory httpClients, AwsEndpoints endpoints, IAwsCredentialSource credentials, AwsRetryPolicy retry, TimeProvider time)
{
    public const string HttpClientName = "Portal.Aws";
    private const string UserAgent = "portal-aws-client/1.0";

    public Task<AwsWireResponse> SendAsync(AwsService service, AwsWireRequest request, Func<AwsWireResponse, AwsErrorInfo> decodeError, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(service, request.Operation, token => SendOnceAsync(service, request, decodeError, token), cancellationToken);

    private async Task<AwsWireResponse> SendOnceAsync(AwsService service, AwsWireRequest request, Func<AwsWireResponse, AwsErrorInfo> decodeError, CancellationToken cancellationToken)
    {
        using var message = await BuildSignedRequestAsync(service, request, cancellationToken);
        var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var answer = new AwsWireResponse(
            (int)response.StatusCode,
            await response.Content.ReadAsByteArrayAsync(cancellationToken),
            Header(response.Headers, "x-amzn-RequestId") ?? Header(response.Headers, "x-amz-request-id"),
            Header(response.Headers, "x-amzn-ErrorType"));
        if (answer.IsSuccess) return answer;
        var error = decodeError(answer);
        throw AwsErrors.Create(service, error.RequestId is null ? error with { RequestId = answer.RequestId } : error, answer.StatusCode);
    }

    /// <summary>A POST to the service's endpoint signed over host, content-type, x-amz-date and, when present, x-amz-target and x-amz-security-token.</summary>
    private async Task<HttpRequestMessage> BuildSignedRequestAsync(AwsService service, AwsWireRequest request, CancellationToken cancellationToken)
    {
        var endpoint = endpoints.For(service);
        var signingCredentials = await credentials.GetAsync(cancellationToken);
        var now = time.GetUtcNow();
        var amzDate = SigV4Signer.FormatAmzDate(now);

        var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(request.Body) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);

        var signed = new List<KeyValuePair<string, string>>(5)
        {
            new("host", endpoint.Authority),
            new("content-type", request.ContentType),
            new("x-amz-date", amzDate),
        };
        message.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (request.Target is not null)
        {
            signed.Add(new("x-amz-target", request.Target));
            message.Headers.TryAddWithoutValidation("X-Amz-Target", request.Target);
        }
        if (signingCredentials.SessionToken is not null)
        {
            signed.Add(new("x-amz-security-token", signingCredentials.SessionToken));
            message.Headers.TryAddWithoutValidation("X-Amz-Security-Token", signingCredentials.SessionToken);
        }

        var signature = SigV4Signer.Sign(
            new SigV4Request("POST", Uri.UnescapeDataString(endpoint.AbsolutePath), "", signed, SigV4Signer.HexSha256(request.Body)),
            signingCredentials, endpoints.Region, service.SigningName, now);
        message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return message;
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
