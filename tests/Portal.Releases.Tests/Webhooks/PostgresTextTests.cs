using System.Text;
using Portal.Data.Text;

namespace Portal.Releases.Tests.Webhooks;

public sealed class PostgresTextTests
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Theory]
    [InlineData("abc😀", 4, "abc")] // The emoji's surrogate pair would be split at 4.
    [InlineData("abc😀", 5, "abc😀")]
    [InlineData("ab👩‍💻cd", 4, "ab")] // A ZWJ sequence is one text element: never half of it.
    [InlineData("ae\u0301x", 2, "a")] // e + combining acute stays whole.
    [InlineData("short", 10, "short")]
    public void Clips_on_text_element_boundaries(string value, int length, string expected)
    {
        var clipped = PostgresText.Clip(value, length)!;

        Assert.Equal(expected, clipped);
        Assert.True(clipped.Length <= length);
        Strict.GetBytes(clipped); // Would throw on a split surrogate pair, as Npgsql's encoder did.
    }

    [Fact]
    public void Removes_NUL_and_replaces_unpaired_surrogates()
    {
        Assert.Equal("ab", PostgresText.Storable("a\0b"));
        Assert.Equal("a\uFFFDb", PostgresText.Storable("a\uD83Db"));
        Assert.Equal("x\uFFFD", PostgresText.Storable("x\uDE00"));
        Assert.Equal("😀", PostgresText.Storable("😀"));
        Assert.False(PostgresText.IsStorable("a\0"));
        Assert.True(PostgresText.IsStorable("😀"));
        Assert.Null(PostgresText.Clip(null, 3));
    }
}
