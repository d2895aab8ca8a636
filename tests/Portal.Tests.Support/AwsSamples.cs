using System.Text.RegularExpressions;

namespace Portal.Tests.Support;

/// <summary>AWS's sample responses in tests/Portal.Aws.Tests/samples (see the README there), as canned answers.</summary>
public static partial class AwsSamples
{
    public const string QueryContentType = "text/xml";
    public const string JsonContentType = "application/x-amz-json-1.1";

    private static readonly string Root = RepoPaths.Combine("tests", "Portal.Aws.Tests", "samples");

    /// <summary>e.g. Read("cloudformation", "DescribeStacks.xml").</summary>
    public static string Read(string service, string file) => File.ReadAllText(Path.Combine(Root, service, file));

    /// <summary>The sample success answer for the request's service and operation (found by its signing scope).</summary>
    public static CannedResponse SuccessFor(CapturedRequest request) => Success(request.SigningService, request.Operation, request.Form.ContainsKey("Marker"));

    /// <summary>
    /// The sample success answer. A follow-up page (a request carrying Marker) is answered without NextMarker, so a client
    /// that pages through every result stops after the second page.
    /// </summary>
    public static CannedResponse Success(string service, string operation, bool followUpPage = false)
    {
        if (service is "codepipeline" or "secretsmanager")
            return new CannedResponse(200, JsonContentType, Read(service, operation + ".json"),
                new Dictionary<string, string> { ["x-amzn-RequestId"] = "c3d4e5f6-0000-4000-8000-00000sample" });
        var xml = Read(service, operation + ".xml");
        if (followUpPage) xml = NextMarker().Replace(xml, "");
        return new CannedResponse(200, QueryContentType, xml);
    }

    /// <summary>An error sample with the HTTP status AWS sends it with.</summary>
    public static CannedResponse Error(string service, string file, int statusCode) =>
        service is "codepipeline" or "secretsmanager"
            ? new CannedResponse(statusCode, JsonContentType, Read(service, file),
                new Dictionary<string, string> { ["x-amzn-RequestId"] = "e0f1a2b3-0000-4000-8000-00000error" })
            : new CannedResponse(statusCode, QueryContentType, Read(service, file));

    [GeneratedRegex(@"\s*<NextMarker>[^<]*</NextMarker>")]
    private static partial Regex NextMarker();
}
