using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Portal.Aws.Protocol;

/// <summary>
/// How far this machine's clock is from AWS's, learnt from AWS's refusals of a request signed at the wrong time. AWS
/// refuses a SigV4 request signed more than 5 minutes (S3: 15) from its own time: the Query services with
/// SignatureDoesNotMatch, the JSON services with InvalidSignatureException, S3 with RequestTimeTooSkewed, each saying
/// "Signature expired: ... (server time - 5 min.)" or "Signature not yet current: ... (server time + 5 min.)". The
/// server's time is read from that message, else from the answer's Date header; every later request is signed with
/// the corrected time (the offset is kept), and the refused request is sent once more.
/// </summary>
public sealed partial class AwsClockSkew(TimeProvider time)
{
    private static readonly HashSet<string> SkewCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "SignatureDoesNotMatch", "InvalidSignatureException",
    };

    private long offsetTicks;

    /// <summary>What AWS's clock reads now, as far as this process knows.</summary>
    public DateTimeOffset Now => time.GetUtcNow() + Offset;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    /// <summary>
    /// Whether <paramref name="error"/> refused a request for its signing time; if so the offset is corrected (from the
    /// message's server time, else <paramref name="serverDate"/>) and true says to sign and send the request again.
    /// </summary>
    public bool Correct(AwsErrorInfo error, DateTimeOffset? serverDate)
    {
        if (!IsSkew(error)) return false;
        var serverNow = ServerTime(error.Message) ?? serverDate;
        if (serverNow is null) return false;
        Interlocked.Exchange(ref offsetTicks, (serverNow.Value - time.GetUtcNow()).Ticks);
        return true;
    }

    public static bool IsSkew(AwsErrorInfo error) =>
        error.Code == "RequestTimeTooSkewed" ||
        (SkewCodes.Contains(error.Code) &&
         (error.Message.Contains("Signature expired", StringComparison.Ordinal) ||
          error.Message.Contains("not yet current", StringComparison.Ordinal) ||
          error.Message.Contains("too large", StringComparison.Ordinal)));

    /// <summary>The answer's Date header (RFC 1123), which AWS sets to its own time.</summary>
    public static DateTimeOffset? DateHeader(HttpResponseHeaders headers) => headers.Date;

    private static DateTimeOffset? ServerTime(string message)
    {
        var match = ServerTimeInMessage().Match(message);
        return match.Success && DateTimeOffset.TryParseExact(match.Groups[1].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;
    }

    /// <summary>"(20130524T001000Z - 5 min.)": the server's time in AWS's wording.</summary>
    [GeneratedRegex(@"\((\d{8}T\d{6}Z) [+-] \d+ min\.\)")]
    private static partial Regex ServerTimeInMessage();
}
