using Portal.Data;
using Portal.Data.Notifications;

namespace Portal.Releases.Starting;

/// <summary>
/// Wakes the release starters when a release becomes pending, so that a push starts its pipeline within milliseconds
/// rather than at the next poll: in this process directly (<see cref="Notify"/>), and in every instance through Postgres
/// (<see cref="WorkNotify.Start"/>, which the trigger on releases sends for a pending release and the webhook sends for
/// accepted pushes, <see cref="PushAccepted"/>). Only a hint: the pending release or accepted delivery row is what counts,
/// and the starters also poll slowly, so a lost signal only costs latency.
/// </summary>
public sealed class ReleaseStartSignal(NotificationSender sender) : WakeSignal(WorkNotify.Channel, WorkNotify.Start)
{
    /// <summary>Wakes one starter of this process.</summary>
    public void Notify() => Wake();

    /// <summary>
    /// A push was recorded as accepted (committed): wakes a starter here and, through Postgres, the starters of every
    /// instance and the host's open pages (deliveries have no trigger: they are announced here, coalesced).
    /// </summary>
    public void PushAccepted(Guid customerId, Guid hostId)
    {
        Wake();
        sender.Send(WorkNotify.Channel, WorkNotify.Start);
        sender.Send(LiveNotify.Channel, LiveNotify.Payload(LiveNotify.Release, customerId, hostId));
    }
}
