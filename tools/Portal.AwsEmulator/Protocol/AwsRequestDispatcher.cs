using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.Extensions.Options;

namespace Portal.AwsEmulator.Protocol;

/// <summary>
/// The one AWS endpoint: routes a request by protocol like LocalStack (S3's REST requests by credential scope, host or
/// method, X-Amz-Target for JSON 1.1, the form's Version for the Query protocol), applies injected faults, counts the
/// call and writes the answer or AWS's error format.
/// </summary>
public sealed class AwsRequestDispatcher(
    IEnumerable<IQueryService> queryServices,
    IEnumerable<IJsonService> jsonServices,
    S3.S3Service s3,
    CallGate gate,
    EmulatorClock clock,
    IOptions<EmulatorOptions> options)
{
    private const string JsonContentType = "application/x-amz-json-1.1";
    private readonly EmulatorOptions settings = options.Value;

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        // The emulator's time on every answer, so a client whose clock is off can correct it (the AWS SDKs do).
        http.Response.Headers.Date = clock.Now.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        if (target.Length == 0 && s3.Claims(http.Request))
            await s3.HandleAsync(http);
        else if (target.Length > 0)
            await HandleJsonAsync(http, target, requestId);
        else
            await HandleQueryAsync(http, requestId);
    }

    private async Task HandleJsonAsync(HttpContext http, string target, string requestId)
    {
        var dot = target.LastIndexOf('.');
        var service = dot > 0 ? jsonServices.FirstOrDefault(s => s.TargetPrefix == target[..dot]) : null;
        var operation = dot > 0 ? target[(dot + 1)..] : target;
        try
        {
            if (service is null || !service.Supports(operation))
                throw new AwsServiceException("UnknownOperationException", $"Unknown operation {target}");
            JsonObject body;
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject ?? new JsonObject();
            }
            catch (JsonException)
            {
                throw new AwsServiceException("SerializationException", "Start of structure or map found where not expected.");
            }
            var context = await PrepareAsync(http, service.Name, operation, requestId, service.ThrottlingCode, body: body);
            var result = await service.HandleAsync(context, http.RequestAborted);
            http.Response.Headers["x-amzn-RequestId"] = requestId;
            http.Response.ContentType = JsonContentType;
            await http.Response.WriteAsync(result.ToJsonString(), http.RequestAborted);
        }
        catch (AwsServiceException error)
        {
            await WriteJsonErrorAsync(http, requestId, error);
        }
    }

    private async Task HandleQueryAsync(HttpContext http, string requestId)
    {
        var fields = await ReadQueryFieldsAsync(http.Request);
        var action = fields.GetValueOrDefault("Action") ?? "";
        var version = fields.GetValueOrDefault("Version") ?? "";
        var service = queryServices.FirstOrDefault(s => s.Version == version);
        XNamespace ns = service?.XmlNamespace ?? "";
        try
        {
            if (action.Length == 0)
                throw new AwsServiceException("MissingAction", "Missing Action");
            if (service is null)
                throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {(version.Length == 0 ? "NO_VERSION_SPECIFIED" : version)}");
            if (!service.Supports(action))
                throw new AwsServiceException("InvalidAction", $"The action {action} is not valid for this web service.");
            var context = await PrepareAsync(http, service.Name, action, requestId, "Throttling", query: new QueryInput(fields));
            var result = await service.HandleAsync(context, http.RequestAborted);
            var response = new XElement(action + "Response",
                result is null ? null : new XElement(action + "Result", result),
                new XElement("ResponseMetadata", new XElement("RequestId", requestId)));
            await WriteXmlAsync(http, HttpStatusCode.OK, requestId, response, ns);
        }
        catch (AwsServiceException error)
        {
            var response = new XElement("ErrorResponse",
                new XElement("Error",
                    new XElement("Type", error.SenderFault ? "Sender" : "Receiver"),
                    new XElement("Code", error.Code),
                    new XElement("Message", error.Message)),
                new XElement("RequestId", requestId));
            await WriteXmlAsync(http, error.Status, requestId, response, ns);
        }
    }

    /// <summary>Authentication, region, statistics and injected faults: what every call goes through before its handler.</summary>
    private async Task<AwsOperationContext> PrepareAsync(HttpContext http, string service, string operation, string requestId, string throttlingCode,
        QueryInput? query = null, JsonObject? body = null)
    {
        var scope = SigV4Scope.Parse(http.Request.Headers.Authorization.ToString());
        if (scope is not null)
            RequestTime.Check(http.Request, clock.Now, queryProtocol: query is not null);
        var region = await gate.EnterAsync(http, service, operation, throttlingCode, scope, () => MissingAuthentication(query is not null));
        return new AwsOperationContext
        {
            Service = service,
            Operation = operation,
            RequestId = requestId,
            Region = region,
            AccountId = settings.AccountId,
            Query = query ?? QueryInput.Empty,
            Json = body ?? new JsonObject(),
        };
    }

    private static AwsServiceException MissingAuthentication(bool queryProtocol) => queryProtocol
        ? new AwsServiceException("MissingAuthenticationToken", "Request is missing Authentication Token", HttpStatusCode.Forbidden)
        : new AwsServiceException("MissingAuthenticationTokenException", "Missing Authentication Token");

    private static async Task<Dictionary<string, string>> ReadQueryFieldsAsync(HttpRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
            foreach (var (key, value) in await request.ReadFormAsync(request.HttpContext.RequestAborted))
                fields[key] = value.ToString();
        foreach (var (key, value) in request.Query)
            fields.TryAdd(key, value.ToString());
        return fields;
    }

    private static async Task WriteXmlAsync(HttpContext http, HttpStatusCode status, string requestId, XElement root, XNamespace ns)
    {
        foreach (var element in root.DescendantsAndSelf())
            element.Name = ns + element.Name.LocalName;
        http.Response.StatusCode = (int)status;
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        http.Response.ContentType = "text/xml";
        await http.Response.WriteAsync(root.ToString(SaveOptions.DisableFormatting), http.RequestAborted);
    }

    private static async Task WriteJsonErrorAsync(HttpContext http, string requestId, AwsServiceException error)
    {
        http.Response.StatusCode = (int)error.Status;
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        http.Response.Headers["x-amzn-ErrorType"] = error.Code;
        http.Response.ContentType = JsonContentType;
        var body = new JsonObject { ["__type"] = error.Code, ["message"] = error.Message };
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }
}
