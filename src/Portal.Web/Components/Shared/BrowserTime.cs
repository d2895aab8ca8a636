using System.Globalization;

namespace Portal.Web.Components.Shared;

/// <summary>
/// The time zone of the browser of this circuit, learnt once it is interactive (wwwroot/portal.js); until then, and when
/// the browser names a zone this server does not know, times are shown in UTC. Scoped: one per circuit.
/// </summary>
public sealed class BrowserTime
{
    private TimeZoneInfo? zone;

    /// <summary>Raised when the zone became known: the times on the page render again.</summary>
    public event Action? Changed;

    public bool Known => zone is not null;

    public void Learnt(string? ianaZone)
    {
        if (string.IsNullOrWhiteSpace(ianaZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(ianaZone, out var found)) return;
        zone = found;
        Changed?.Invoke();
    }

    /// <summary>"2026-12-02 05:12" in the browser's zone (with its abbreviation-free offset), or UTC until it is known.</summary>
    public string Local(DateTimeOffset at, bool seconds = false)
    {
        var format = seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm";
        if (zone is null) return at.UtcDateTime.ToString(format, CultureInfo.InvariantCulture) + " UTC";
        return TimeZoneInfo.ConvertTime(at, zone).ToString(format, CultureInfo.InvariantCulture);
    }

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>"1 min 5 s", "42 s", "2 h 3 min".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1)) return $"{Math.Max(0, (int)span.TotalSeconds)} s";
        if (span < TimeSpan.FromHours(1)) return $"{(int)span.TotalMinutes} min {span.Seconds} s";
        return $"{(int)span.TotalHours} h {span.Minutes} min";
    }
}
