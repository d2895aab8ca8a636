using System.Threading.Channels;

namespace Portal.Data.Notifications;

/// <summary>
/// Wakes an idle background loop: from this process (<see cref="Wake"/>) or from any instance through a
/// <see cref="WorkNotify"/> notification, and once after the listener (re)connects, since one may have been missed. Wakes
/// do not pile up: many before the loop waits again wake it once. Each loop has a subclass of its own (one per service).
/// </summary>
public abstract class WakeSignal(string channel, string payload) : INotificationSubscriber
{
    private readonly Channel<bool> wakes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    /// <summary>Wakes one waiting loop (or the next to wait).</summary>
    public void Wake() => wakes.Writer.TryWrite(true);

    /// <summary>
    /// Waits for a wake or the timeout (<see cref="Timeout.InfiniteTimeSpan"/>: only a wake), whichever comes first. A
    /// timeout already past (a due time computed a moment ago) is no wait at all, never an error that ends the loop.
    /// </summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan) timeout = TimeSpan.Zero;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await wakes.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout passed.
        }
    }

    /// <summary>Forgets a wake that came while the loop was busy anyway.</summary>
    public void Drain() => wakes.Reader.TryRead(out _);

    string INotificationSubscriber.Channel => channel;

    /// <summary>Whether a notification on the channel is one that wakes the loop (by default: exactly the payload).</summary>
    protected virtual bool Wakes(string notified) => notified == payload;

    void INotificationSubscriber.Notified(string notified)
    {
        if (Wakes(notified)) Wake();
    }

    void INotificationSubscriber.Listening(bool listening)
    {
        if (listening) Wake();
    }
}
