using System.Globalization;
using System.Text;

namespace Portal.Web.Operations;

/// <summary>
/// Writes audit rows as CSV (RFC 4180): every field quoted when it holds a comma, quote, CR or LF, quotes doubled,
/// CRLF between records. A field a spreadsheet would take for a formula (starting with =, +, -, @, tab or CR) gets a
/// leading apostrophe, so opening an export never runs what someone typed into a comment.
/// </summary>
public static class AuditCsv
{
    public static readonly string[] Header = ["time_utc", "actor", "action", "customer", "host", "details", "source_address", "id"];

    public static async Task WriteAsync(IAsyncEnumerable<AuditRow> rows, TextWriter writer, CancellationToken cancellationToken = default)
    {
        await writer.WriteAsync(Line(Header));
        var written = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(Line([
                row.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                row.Actor, row.Action, row.Customer, row.Host, row.Details, row.SourceAddress,
                row.Id.ToString(CultureInfo.InvariantCulture)]));
            if (++written % 500 == 0) await writer.FlushAsync(cancellationToken);
        }
        await writer.FlushAsync(cancellationToken);
    }

    public static string Line(IEnumerable<string?> fields) => string.Join(',', fields.Select(Field)) + "\r\n";

    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var text = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        if (text.IndexOfAny([',', '"', '\r', '\n']) < 0) return text;
        return new StringBuilder(text.Length + 2).Append('"').Append(text.Replace("\"", "\"\"")).Append('"').ToString();
    }
}
