using System.Globalization;
namespace Portal.GitLabStandIn.Git;

/// <summary>A commit as git reports it. Dates keep the offset they were made with (ISO 8601, e.g. 2012-05-28T04:42:42-07:00).</summary>
public sealed record CommitInfo(
    string Sha,
    IReadOnlyList<string> ParentIds,
    string AuthorName,
    string AuthorEmail,
    string AuthoredDate,
    string CommitterName,
    string CommitterEmail,
    string CommittedDate,
    string Message,
    IReadOnlyList<KeyValuePair<string, string>> Trailers)
{
    public string ShortId => Sha[..8];

    /// <summary>Commit#full_title: the first line, or "No commit message".</summary>
    public string FullTitle
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Message)) return "No commit message";
            var end = Message.IndexOfAny(['\r', '\n']);
            return end < 0 ? Message : Message[..end];
        }
    }

    /// <summary>Commit#title: the full title, or cut to 81 characters at a space when it has 100 or more.</summary>
    public string Title => FullTitle.Length < 100 ? FullTitle : RubyText.Truncate(FullTitle, 81, " ", "...");
}

public sealed record ChangedPaths(IReadOnlyList<string> Added, IReadOnlyList<string> Modified, IReadOnlyList<string> Removed);

public sealed record CommitStats(int Additions, int Deletions)
{
    public int Total => Additions + Deletions;
}

public sealed record TagInfo(string Name, string TargetSha, string CommitSha, string Message);

/// <summary>Rails' String#truncate and date formats, so texts come out as GitLab renders them.</summary>
public static class RubyText
{
    public static string Truncate(string text, int length, string separator, string omission)
    {
        if (text.Length <= length) return text;
        var room = length - omission.Length;
        var stop = text.LastIndexOf(separator, Math.Min(room, text.Length - 1), StringComparison.Ordinal);
        return text[..(stop < 0 ? room : stop)] + omission;
    }

    /// <summary>ActiveSupport's JSON time: milliseconds and the offset, e.g. 2012-05-28T04:42:42.000-07:00.</summary>
    public static string JsonTime(string isoWithOffset) =>
        DateTimeOffset.Parse(isoWithOffset, CultureInfo.InvariantCulture).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>A time GitLab stores in UTC (created_at and the like), e.g. 2016-01-19T09:05:50.355Z.</summary>
    public static string UtcJsonTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
