using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Portal.Aws.Protocol;

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
/// <see cref="AwsErrors"/>), all under the retry policy. Each call is traced and counted (<see cref="AwsTelemetry"/>);
/// a call that fails is logged once, here, whatever the number of attempts it took.
/// </summary>
public sealed class AwsRequestSender(IHttpClientFactory httpClients, AwsEndpoints endpoints, IAwsCredentialSource credentials,
    AwsRetryPolicy retry, AwsClockSkew clock, AwsTelemetry telemetry, ILogger<AwsRequestSender> logger)
{
    public const string HttpClientName = "Portal.Aws";
    private const string UserAgent = "portal-aws-client/1.0";

    public async Task<AwsWireResponse> SendAsync(AwsService service, AwsWireRequest request, Func<AwsWireResponse, AwsErrorInfo> decodeError,
        CancellationToken cancellationToken)
    {
        using var activity = AwsTelemetry.StartCall(service, request.Operation);
        try
        {
            var answer = await retry.ExecuteAsync(service, request.Operation, token => SendOnceAsync(service, request, decodeError, token), cancellationToken);
            telemetry.Succeeded(service, request.Operation);
            return answer;
        }
        catch (AwsException e)
        {
            telemetry.Failed(activity, service, request.Operation, e);
            logger.Log(e is AwsUnavailableException ? LogLevel.Warning : LogLevel.Information,
                "AWS {Service} {Operation} failed: {Code} (HTTP {Status}, request {RequestId}): {Message}",
                service.SigningName, request.Operation, e.Code, e.StatusCode, e.RequestId, e.AwsMessage);
            throw;
        }
    }

    /// <summary>One attempt; a refusal for the signing time corrects the clock offset and is sent once more, signed anew.</summary>
    private async Task<AwsWireResponse> SendOnceAsync(AwsService service, AwsWireRequest request, Func<AwsWireResponse, AwsErrorInfo> decodeError, CancellationToken cancellationToken)
    {
        for (var corrected = false; ; corrected = true)
        {
            var (answer, serverDate) = await SendSignedAsync(service, request, cancellationToken);
            if (answer.IsSuccess) return answer;
            var error = decodeError(answer);
            if (!corrected && clock.Correct(error, serverDate)) continue;
            throw AwsErrors.Create(service, error.RequestId is null ? error with { RequestId = answer.RequestId } : error, answer.StatusCode);
        }
    }

    private async Task<(AwsWireResponse Answer, DateTimeOffset? ServerDate)> SendSignedAsync(AwsService service, AwsWireRequest request,
        CancellationToken cancellationToken)
    {
        using var message = await BuildSignedRequestAsync(service, request, cancellationToken);
        var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var answer = new AwsWireResponse(
            (int)response.StatusCode,
            await response.Content.ReadAsByteArrayAsync(cancellationToken),
            Header(response.Headers, "x-amzn-RequestId") ?? Header(response.Headers, "x-amz-request-id"),
            Header(response.Headers, "x-amzn-ErrorType"));
        return (answer, AwsClockSkew.DateHeader(response.Headers));
    }

    /// <summary>A POST to the service's endpoint signed over host, content-type, x-amz-date and, when present, x-amz-target and x-amz-security-token.</summary>
    private async Task<HttpRequestMessage> BuildSignedRequestAsync(AwsService service, AwsWireRequest request, CancellationToken cancellationToken)
    {
        var endpoint = endpoints.For(service);
        var signingCredentials = await credentials.GetAsync(cancellationToken);
        var now = clock.Now;
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
