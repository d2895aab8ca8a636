using System.Globalization;

namespace Portal.Web.Components.Operations;

/// <summary>Times as operators read them: UTC, and how long ago.</summary>
public static class TimeText
{
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        if (age < TimeSpan.FromMinutes(1)) return "just now";
        if (age < TimeSpan.FromHours(1)) return $"{(int)age.TotalMinutes} min ago";
        if (age < TimeSpan.FromDays(1)) return $"{(int)age.TotalHours} h {age.Minutes} min ago";
        return $"{(int)age.TotalDays} d {age.Hours} h ago";
    }

    public static string ShortCommit(string commit) => commit.Length > 8 ? commit[..8] : commit;
}
