using System.Globalization;
using System.Net;

namespace Portal.AwsEmulator.Protocol;

/// <summary>
/// The time a SigV4 request was signed (X-Amz-Date, else Date) checked against the emulator's clock as AWS checks
/// it: more than <see cref="Tolerance"/> off and the request is refused, with the wording AWS uses. Each protocol
/// names the refusal its own way (Query: 403 SignatureDoesNotMatch; JSON: 400 InvalidSignatureException); S3 allows
/// 15 minutes and answers RequestTimeTooSkewed with the server's time (<see cref="S3Tolerance"/>, <see cref="Skewed"/>).
/// </summary>
public static class RequestTime
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan S3Tolerance = TimeSpan.FromMinutes(15);
    private const string BasicFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Throws the protocol's error when the signed request carries no usable time or one too far from now.</summary>
    public static void Check(HttpRequest request, DateTimeOffset now, bool queryProtocol)
    {
        var signed = Signed(request, queryProtocol);
        if (signed < now - Tolerance)
            throw Refused(queryProtocol,
                $"Signature expired: {Basic(signed)} is now earlier than {Basic(now - Tolerance)} ({Basic(now)} - {Tolerance.TotalMinutes:0} min.)");
        if (signed > now + Tolerance)
            throw Refused(queryProtocol,
                $"Signature not yet current: {Basic(signed)} is still later than {Basic(now + Tolerance)} ({Basic(now)} + {Tolerance.TotalMinutes:0} min.)");
    }

    /// <summary>For S3: the request's time when it is more than 15 minutes off, else null.</summary>
    public static DateTimeOffset? Skewed(HttpRequest request, DateTimeOffset now)
    {
        var signed = Signed(request, queryProtocol: false);
        return (signed - now).Duration() > S3Tolerance ? signed : null;
    }

    /// <summary>"20240522T115159Z", the form of X-Amz-Date and of AWS's messages.</summary>
    public static string Basic(DateTimeOffset time) => time.UtcDateTime.ToString(BasicFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset Signed(HttpRequest request, bool queryProtocol)
    {
        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (amzDate.Length == 0) amzDate = request.Query["X-Amz-Date"].ToString();
        if (amzDate.Length > 0)
            return DateTimeOffset.TryParseExact(amzDate, BasicFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw Incomplete(queryProtocol, $"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
        var date = request.Headers.Date.ToString();
        if (date.Length > 0 && DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var rfc1123))
            return rfc1123;
        throw Incomplete(queryProtocol,
            $"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={request.Headers.Authorization}");
    }

    private static AwsServiceException Refused(bool queryProtocol, string message) => queryProtocol
        ? new AwsServiceException("SignatureDoesNotMatch", message, HttpStatusCode.Forbidden)
        : new AwsServiceException("InvalidSignatureException", message);

    private static AwsServiceException Incomplete(bool queryProtocol, string message) =>
        new(queryProtocol ? "IncompleteSignature" : "IncompleteSignatureException", message);
}
