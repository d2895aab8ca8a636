using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.S3;

/// <summary>One S3 request being answered: where it points, the region it was signed for, and the store.</summary>
public sealed record S3Call(HttpContext Http, S3Address Address, string Region, bool Presigned, S3Store Store)
{
    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public string Bucket => Address.Bucket!;
    public string Key => Address.Key!;
    public string? Query(string name) => Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
}

/// <summary>
/// S3 (REST-XML, path-style and virtual-hosted-style): routes each request to its operation, passes it through the
/// call gate (authentication, statistics, faults) and writes S3's answers and S3's &lt;Error&gt; documents.
/// </summary>
public sealed class S3Service(EmulatorState state, CallGate gate, IOptions<EmulatorOptions> options, S3BucketHandlers buckets, S3ObjectHandlers objects,
    S3ListingHandlers listings)
{
    public const string Name = "s3";
    private readonly IReadOnlyList<string> hostSuffixes = options.Value.S3HostSuffixes;

    /// <summary>Whether the request is S3's: signed for s3, addressed to a bucket host, or a method only S3 uses.</summary>
    public bool Claims(HttpRequest request) =>
        SigV4Scope.Parse(request.Headers.Authorization.ToString())?.Service == Name
        || SigV4Scope.FromQuery(request.Query)?.Service == Name
        || S3Address.IsVirtualHosted(request, hostSuffixes)
        || request.Method is "PUT" or "HEAD" or "DELETE";

    public async Task HandleAsync(HttpContext http)
    {
        http.Response.Headers["x-amz-request-id"] = Ids.Upper(16);
        http.Response.Headers["x-amz-id-2"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        try
        {
            var address = S3Address.Of(http.Request, hostSuffixes);
            var operation = S3Operations.Identify(http.Request.Method, address, http.Request.Query, http.Request.Headers);
            var headerScope = SigV4Scope.Parse(http.Request.Headers.Authorization.ToString());
            var queryScope = headerScope is null ? SigV4Scope.FromQuery(http.Request.Query) : null;
            if (queryScope is not null) RefuseExpired(http.Request);
            var region = await gate.EnterAsync(http, Name, operation, "SlowDown", headerScope ?? queryScope, S3Errors.AccessDenied);
            var call = new S3Call(http, address, region, queryScope is not null, state.S3);
            if (operation is not (S3Operations.ListBuckets or S3Operations.CreateBucket)) CheckBucket(call, operation);
            await Dispatch(operation, call);
        }
        catch (AwsServiceException error) when (!http.Response.HasStarted)
        {
            await WriteErrorAsync(http, error as S3Error ?? FromGate(error));
        }
    }

    private Task Dispatch(string operation, S3Call call) => operation switch
    {
        S3Operations.ListBuckets => buckets.ListBucketsAsync(call),
        S3Operations.CreateBucket => buckets.CreateAsync(call),
        S3Operations.HeadBucket => buckets.HeadAsync(call),
        S3Operations.DeleteBucket => buckets.DeleteAsync(call),
        S3Operations.GetBucketLocation => buckets.LocationAsync(call),
        S3Operations.PutBucketVersioning => buckets.PutVersioningAsync(call),
        S3Operations.GetBucketVersioning => buckets.GetVersioningAsync(call),
        S3Operations.ListObjectsV2 => listings.ListObjectsV2Async(call),
        S3Operations.ListObjectVersions => listings.ListObjectVersionsAsync(call),
        S3Operations.PutObject => objects.PutAsync(call),
        S3Operations.GetObject => objects.GetAsync(call, headOnly: false),
        S3Operations.HeadObject => objects.GetAsync(call, headOnly: true),
        S3Operations.DeleteObject => objects.DeleteAsync(call),
        _ => throw S3Errors.NotImplemented(operation),
    };

    /// <summary>The bucket must exist, and a signed request must be signed for the bucket's region (GetBucketLocation excepted).</summary>
    private static void CheckBucket(S3Call call, string operation)
    {
        var bucket = call.Store.FindBucket(call.Bucket) ?? throw S3Errors.NoSuchBucket(call.Bucket);
        if (bucket.Region != call.Region && operation != S3Operations.GetBucketLocation)
            throw S3Errors.WrongRegion(call.Region, bucket.Region);
    }

    private static void RefuseExpired(HttpRequest request)
    {
        var signed = DateTimeOffset.TryParseExact(request.Query["X-Amz-Date"].ToString(), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var date);
        var expires = int.TryParse(request.Query["X-Amz-Expires"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds);
        if (!signed || !expires) throw new S3Error("AuthorizationQueryParametersError", "X-Amz-Date and X-Amz-Expires must be given.", HttpStatusCode.BadRequest);
        if (date.AddSeconds(seconds) < DateTimeOffset.UtcNow) throw new S3Error("AccessDenied", "Request has expired", HttpStatusCode.Forbidden);
    }

    /// <summary>The gate's throttling and server errors in S3's words.</summary>
    private static S3Error FromGate(AwsServiceException error) => error.Code switch
    {
        "SlowDown" => new S3Error("SlowDown", "Please reduce your request rate.", HttpStatusCode.ServiceUnavailable),
        "InternalFailure" => new S3Error("InternalError", "We encountered an internal error. Please try again.", HttpStatusCode.InternalServerError),
        "ServiceUnavailable" => new S3Error("ServiceUnavailable", "Please reduce your request rate.", HttpStatusCode.ServiceUnavailable),
        _ => new S3Error(error.Code, error.Message, error.Status),
    };

    private static async Task WriteErrorAsync(HttpContext http, S3Error error)
    {
        var response = http.Response;
        response.Headers.Remove("ETag");
        foreach (var (name, value) in error.Headers) response.Headers[name] = value;
        if (HttpMethods.IsHead(http.Request.Method))
        {
            response.StatusCode = (int)error.Status;
            return;
        }
        var document = new XElement("Error",
            new XElement("Code", error.Code),
            new XElement("Message", error.Message),
            error.Details.Select(d => new XElement(d.Name, d.Value)),
            new XElement("RequestId", response.Headers["x-amz-request-id"].ToString()),
            new XElement("HostId", response.Headers["x-amz-id-2"].ToString()));
        await S3Xml.WriteAsync(response, document, (int)error.Status);
    }

    /// <summary>Uploads may be far larger than Kestrel's default limit (S3 takes up to 5 GiB in one PUT).</summary>
    public static void AllowObjectSizedBody(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = S3Limits.MaxObjectSize * 2;
    }
}
