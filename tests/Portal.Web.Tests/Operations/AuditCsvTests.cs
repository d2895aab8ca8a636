using Portal.Web.Operations;

namespace Portal.Web.Tests.Operations;

public class AuditCsvTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("plain", "plain")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    public void Fields_are_quoted_as_RFC_4180_says_and_never_read_as_formulas(string? value, string expected) =>
        Assert.Equal(expected, AuditCsv.Field(value));

    [Fact]
    public async Task Rows_are_written_after_a_header_with_CRLF_between_records()
    {
        var at = new DateTimeOffset(2026, 1, 31, 12, 30, 5, 123, TimeSpan.FromHours(2));
        var writer = new StringWriter();

        await AuditCsv.WriteAsync(Rows(new AuditRow(7, at, "op@ops.example", "release.approved", "ok, \"fine\"", null, "acme", null, "web", "127.0.0.1")), writer);

        Assert.Equal(
            "time_utc,actor,action,customer,host,details,source_address,id\r\n" +
            "2026-01-31T10:30:05.123Z,op@ops.example,release.approved,acme,web,\"ok, \"\"fine\"\"\",127.0.0.1,7\r\n",
            writer.ToString());
    }

    private static async IAsyncEnumerable<AuditRow> Rows(params AuditRow[] rows)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
    }
}
