using System.Globalization;
using System.Xml.Linq;

namespace Portal.Aws.Protocol;

/// <summary>
/// Reading Query protocol XML answers by local name (AWS's documents carry a per-service namespace). Lists are
/// "&lt;Name&gt;&lt;member&gt;…&lt;/member&gt;&lt;/Name&gt;", maps "&lt;Name&gt;&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;&lt;/Name&gt;",
/// timestamps ISO 8601.
/// </summary>
public static class QueryXml
{
    public static XElement? Child(this XElement element, string name) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static string? Text(this XElement element, string name) => element.Child(name)?.Value;

    public static string Required(this XElement element, string name) =>
        element.Text(name) ?? throw new AwsProtocolException($"The answer has no <{name}> in <{element.Name.LocalName}>.");

    public static int? Int(this XElement element, string name) =>
        element.Text(name) is { } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public static bool? Bool(this XElement element, string name) =>
        element.Text(name) is { } text ? string.Equals(text.Trim(), "true", StringComparison.OrdinalIgnoreCase) : null;

    public static DateTimeOffset? Time(this XElement element, string name) =>
        element.Text(name) is { } text ? DateTimeOffset.Parse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;

    public static DateTimeOffset RequiredTime(this XElement element, string name) =>
        element.Time(name) ?? throw new AwsProtocolException($"The answer has no <{name}> in <{element.Name.LocalName}>.");

    /// <summary>The &lt;member&gt; elements of the list named; empty when the list is absent.</summary>
    public static IEnumerable<XElement> Members(this XElement element, string name) =>
        element.Child(name)?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    public static IReadOnlyList<string> Strings(this XElement element, string name) =>
        element.Members(name).Select(m => m.Value).ToList();

    public static IReadOnlyDictionary<string, string> Map(this XElement element, string name) =>
        element.Child(name)?.Elements().Where(e => e.Name.LocalName == "entry")
            .ToDictionary(e => e.Required("key"), e => e.Text("value") ?? "", StringComparer.Ordinal)
        ?? new Dictionary<string, string>();

    /// <summary>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;&lt;/ErrorResponse&gt;; a body that is not such XML gets a code from the status.</summary>
    public static AwsErrorInfo DecodeError(AwsWireResponse response)
    {
        try
        {
            var root = QueryProtocol.ParseXml(response.Body);
            var error = root.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName == "Error");
            if (error?.Text("Code") is { Length: > 0 } code)
            {
                var requestId = root.Text("RequestId") ?? root.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value;
                return new AwsErrorInfo(code, error.Text("Message") ?? "", requestId ?? response.RequestId);
            }
        }
        catch (System.Xml.XmlException)
        {
        }
        return new AwsErrorInfo(AwsErrors.CodeForStatus(response.StatusCode), $"HTTP {response.StatusCode} without an AWS error document.", response.RequestId);
    }
}

/// <summary>An answer that does not have the shape AWS documents (a bug in the emulator or an unexpected proxy).</summary>
public sealed class AwsProtocolException(string message) : Exception(message);
