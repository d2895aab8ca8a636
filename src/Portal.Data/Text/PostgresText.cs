using System.Globalization;
using System.Text;

namespace Portal.Data.Text;

/// <summary>
/// Text from outside (GitLab, AWS, people) made storable in Postgres and cut to a column's length: the one place for
/// both. Postgres text holds no NUL, and a UTF-16 surrogate without its pair has no UTF-8 form (Npgsql's encoder throws
/// on it); cutting at a fixed index can split a surrogate pair or an emoji sequence, so cuts fall on text-element
/// boundaries (<see cref="StringInfo"/>).
/// </summary>
public static class PostgresText
{
    /// <summary>Whether Postgres can store the text as it is (no NUL, no unpaired surrogate).</summary>
    public static bool IsStorable(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>The text without NUL characters, with each unpaired surrogate replaced by U+FFFD.</summary>
    public static string? Storable(string? value)
    {
        if (value is null || IsStorable(value)) return value;
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') continue;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) text.Append(c).Append(value[++i]);
            else text.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
        }
        return text.ToString();
    }

    /// <summary>
    /// <see cref="Storable"/>, then at most <paramref name="maxLength"/> UTF-16 units (so at most that many characters in a
    /// varchar column), cut before the first text element that does not fit.
    /// </summary>
    public static string? Clip(string? value, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var storable = Storable(value);
        if (storable is null || storable.Length <= maxLength) return storable;
        var end = 0;
        while (end < storable.Length)
        {
            var next = StringInfo.GetNextTextElementLength(storable, end);
            if (end + next > maxLength) break;
            end += next;
        }
        return storable[..end];
    }

    /// <summary><see cref="Clip"/> for text that is never null.</summary>
    public static string ClipNotNull(string value, int maxLength) => Clip(value, maxLength)!;

    public const string Ellipsis = "…";

    /// <summary>
    /// Like <see cref="Clip"/>, for text people read (reasons, summaries): when it is cut, it ends in "…" so that the cut
    /// shows, and still fits <paramref name="maxLength"/>.
    /// </summary>
    public static string? Shorten(string? value, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, Ellipsis.Length + 1);
        var storable = Storable(value);
        return storable is null || storable.Length <= maxLength ? storable : Clip(storable, maxLength - Ellipsis.Length) + Ellipsis;
    }

    /// <summary><see cref="Shorten"/> for text that is never null.</summary>
    public static string ShortenNotNull(string value, int maxLength) => Shorten(value, maxLength)!;
}
