using System.Globalization;
using System.Xml.Linq;

namespace Portal.AwsEmulator.Protocol;

/// <summary>Builders for Query protocol response elements (lists as &lt;member&gt;, ISO 8601 timestamps, lower-case booleans).</summary>
public static class QueryXml
{
    /// <summary>An element, or nothing when the value is null (AWS leaves out absent members).</summary>
    public static XElement? Optional(string name, string? value) => value is null ? null : new XElement(name, value);

    public static XElement? Optional(string name, int? value) => value is null ? null : new XElement(name, value.Value.ToString(CultureInfo.InvariantCulture));

    public static XElement? Optional(string name, DateTimeOffset? value) => value is null ? null : new XElement(name, Time(value.Value));

    public static XElement Element(string name, bool value) => new(name, value ? "true" : "false");

    public static XElement Element(string name, DateTimeOffset value) => new(name, Time(value));

    public static XElement Element(string name, int value) => new(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>&lt;Name&gt;&lt;member&gt;…&lt;/member&gt;…&lt;/Name&gt;; an empty list is an empty element.</summary>
    public static XElement Members(string name, IEnumerable<IEnumerable<XElement?>> members) =>
        new(name, members.Select(m => new XElement("member", m)));

    public static XElement Strings(string name, IEnumerable<string> values) =>
        new(name, values.Select(v => new XElement("member", v)));

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
