using Portal.Data;

namespace Portal.Web.Live;

/// <summary>What a page shows, by kind of change (<see cref="LiveNotify"/>); a page re-reads only the parts that changed.</summary>
[Flags]
public enum LiveChange
{
    None = 0,
    Host = 1,
    Events = 2,
    Change = 4,
    Release = 8,
    Jobs = 16,

    /// <summary>Everything: the page's first read, and after the listener reconnected (notifications may have been missed).</summary>
    All = Host | Events | Change | Release | Jobs,
}

/// <summary>
/// What a page follows: the kinds of change it shows, for one customer's hosts (<see cref="CustomerId"/>), one host
/// (<see cref="HostId"/>, for an operator any customer's), or, with neither, every host (the operators' lists).
/// </summary>
public sealed record LiveTopic(LiveChange Changes, Guid? CustomerId = null, Guid? HostId = null)
{
    public static LiveChange KindOf(string kind) => kind switch
    {
        LiveNotify.Host => LiveChange.Host,
        LiveNotify.Events => LiveChange.Events,
        LiveNotify.Change => LiveChange.Change,
        LiveNotify.Release => LiveChange.Release,
        LiveNotify.Jobs => LiveChange.Jobs,
        _ => LiveChange.None,
    };

    /// <summary>Whether the notice concerns this topic; a notice naming no host ("kind *") concerns every topic of its kind.</summary>
    public LiveChange Matches(LiveNotice notice)
    {
        var kind = KindOf(notice.Kind) & Changes;
        if (kind == LiveChange.None || notice.HostId is null) return kind;
        if (CustomerId is { } customer && notice.CustomerId != customer) return LiveChange.None;
        if (HostId is { } host && notice.HostId != host) return LiveChange.None;
        return kind;
    }
}
