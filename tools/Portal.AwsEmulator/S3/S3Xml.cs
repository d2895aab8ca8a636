using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Portal.AwsEmulator.S3;

/// <summary>S3's XML: the 2006-03-01 namespace, ISO 8601 times with milliseconds, lower-case booleans, URL-encoded names on request.</summary>
public static class S3Xml
{
    public static readonly XNamespace Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    public static XElement Element(string name, params object?[] content) => new(Ns + name, content);

    public static XElement? Optional(string name, string? value) => value is null ? null : Element(name, value);

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The HTTP date S3 puts in Last-Modified.</summary>
    public static string HttpDate(DateTimeOffset time) => time.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>What encoding-type=url does to a key or prefix in a listing.</summary>
    public static string Encode(string value, bool urlEncoding) => urlEncoding ? Uri.EscapeDataString(value).Replace("%2F", "/", StringComparison.Ordinal) : value;

    public static async Task WriteAsync(HttpResponse response, XElement root, int status = StatusCodes.Status200OK)
    {
        response.StatusCode = status;
        response.ContentType = "application/xml";
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.ToString(SaveOptions.DisableFormatting);
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, response.HttpContext.RequestAborted);
    }

    /// <summary>A request's XML document in the S3 namespace (or none); MalformedXML otherwise.</summary>
    public static XElement? Parse(byte[] body, string rootName)
    {
        if (body.Length == 0) return null;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var root = XElement.Load(reader);
            return root.Name.LocalName == rootName ? root : throw S3Errors.MalformedXml();
        }
        catch (XmlException)
        {
            throw S3Errors.MalformedXml();
        }
    }

    /// <summary>A child by local name (requests may leave the namespace out).</summary>
    public static string? ChildText(XElement element, string name) => element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
