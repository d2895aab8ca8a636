using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Hooks;

/// <summary>
/// WebHooks::AutoDisabling: every failed delivery (no 2xx or 3xx answer) counts; from the 4th failure in a row the hook is
/// temporarily disabled for 1 minute, doubling on each further failure up to 1 day; after the 40th it is disabled until
/// someone re-enables it. A success resets the count. With the feature off every hook stays executable.
/// </summary>
public static class HookHealth
{
    public const int TemporarilyDisabledFailureThreshold = 3;
    public const int PermanentlyDisabledFailureThreshold = 39;
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromDays(1);
    private const double BackoffGrowthFactor = 2.0;

    public static bool Executable(HookRecord hook, DateTimeOffset now, bool autoDisabling) =>
        !autoDisabling || (!TemporarilyDisabled(hook, now) && !PermanentlyDisabled(hook));

    public static bool TemporarilyDisabled(HookRecord hook, DateTimeOffset now) =>
        hook.DisabledUntil is { } until && until >= now &&
        hook.RecentFailures is >= TemporarilyDisabledFailureThreshold + 1 and <= PermanentlyDisabledFailureThreshold;

    public static bool PermanentlyDisabled(HookRecord hook) => hook.RecentFailures > PermanentlyDisabledFailureThreshold;

    public static string AlertStatus(HookRecord hook, DateTimeOffset now, bool autoDisabling)
    {
        if (!autoDisabling) return "executable";
        if (TemporarilyDisabled(hook, now)) return "temporarily_disabled";
        return PermanentlyDisabled(hook) ? "disabled" : "executable";
    }

    public static void Enable(HookRecord hook)
    {
        hook.RecentFailures = 0;
        hook.DisabledUntil = null;
    }

    /// <summary>backoff!: only an executable hook counts a failure (a forced test of a disabled hook does not).</summary>
    public static void Backoff(HookRecord hook, DateTimeOffset now)
    {
        if (!Executable(hook, now, autoDisabling: true)) return;
        var failures = Math.Clamp(hook.RecentFailures + 1, 1, PermanentlyDisabledFailureThreshold + 1);
        if (failures > TemporarilyDisabledFailureThreshold) hook.DisabledUntil = now + NextBackoff(hook.RecentFailures);
        hook.RecentFailures = failures;
    }

    private static TimeSpan NextBackoff(int recentFailures)
    {
        var backoffCount = recentFailures - TemporarilyDisabledFailureThreshold;
        var seconds = InitialBackoff.TotalSeconds * Math.Pow(BackoffGrowthFactor, backoffCount);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, InitialBackoff.TotalSeconds, MaxBackoff.TotalSeconds));
    }
}
