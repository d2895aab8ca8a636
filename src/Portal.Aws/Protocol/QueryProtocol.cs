using System.Text;
using System.Xml.Linq;

namespace Portal.Aws.Protocol;

/// <summary>The AWS Query protocol: form-encoded POST, XML answer "&lt;ActionResponse&gt;&lt;ActionResult&gt;…", XML ErrorResponse.</summary>
public sealed class QueryProtocol(AwsService service, string version, AwsRequestSender sender)
{
    public const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    public QueryForm NewRequest(string action) => new(action, version);

    /// <summary>Sends the form; returns the &lt;ActionResult&gt; element (empty for actions that answer none, e.g. DeleteStack).</summary>
    public async Task<XElement> InvokeAsync(QueryForm form, CancellationToken cancellationToken)
    {
        var request = new AwsWireRequest(form.Action, Encoding.UTF8.GetBytes(form.ToBody()), ContentType);
        var response = await sender.SendAsync(service, request, QueryXml.DecodeError, cancellationToken);
        return ReadResult(form.Action, response.Body);
    }

    public static XElement ReadResult(string action, byte[] body)
    {
        if (body.Length == 0) return new XElement(action + "Result");
        XElement root;
        try
        {
            root = ParseXml(body);
        }
        catch (System.Xml.XmlException e)
        {
            throw new AwsProtocolException($"The {action} answer is not XML: {e.Message}");
        }
        if (root.Name.LocalName != action + "Response")
            throw new AwsProtocolException($"The {action} answer is <{root.Name.LocalName}>, expected <{action}Response>.");
        return root.Child(action + "Result") ?? new XElement(action + "Result");
    }

    private static readonly System.Xml.XmlReaderSettings ReaderSettings = new()
    {
        IgnoreWhitespace = true,
        IgnoreComments = true,
        DtdProcessing = System.Xml.DtdProcessing.Prohibit,
        XmlResolver = null,
    };

    /// <summary>Whitespace between elements is dropped (AWS indents its documents); DTDs are refused.</summary>
    public static XElement ParseXml(byte[] body)
    {
        using var reader = System.Xml.XmlReader.Create(new MemoryStream(body), ReaderSettings);
        return XElement.Load(reader);
    }
}
