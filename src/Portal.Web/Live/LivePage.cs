using Microsoft.AspNetCore.Components;

namespace Portal.Web.Live;

/// <summary>
/// A page that stays up to date by itself: it says what it shows (<see cref="Follow"/>) and how to re-read a part of it
/// (<see cref="RefreshAsync"/>); the <see cref="LiveHub"/> calls it when, and only when, that changed in the database, on
/// whichever instance wrote it. Only an interactive page follows (prerendering does not); the subscription ends with the
/// page, when the person navigates away or the circuit closes.
/// </summary>
public abstract class LivePage : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private LiveSubscription? subscription;

    [Inject] private LiveHub Hub { get; set; } = default!;

    /// <summary>Cancelled when the page goes away.</summary>
    protected CancellationToken Stopping => stopping.Token;

    /// <summary>Shortest time between two re-reads; lists that every change concerns set a second or so.</summary>
    protected virtual TimeSpan MinRefreshInterval => TimeSpan.Zero;

    /// <summary>
    /// Follows <paramref name="topic"/> from now on (a page whose topic depends on what it loaded calls it again; the new
    /// topic is followed before the old one is let go, so nothing in between is missed). Call it before the first read.
    /// </summary>
    protected void Follow(LiveTopic topic)
    {
        if (!RendererInfo.IsInteractive || stopping.IsCancellationRequested || subscription?.Topic == topic) return;
        var previous = subscription;
        subscription = Hub.Subscribe(topic, RereadAsync, MinRefreshInterval);
        previous?.Dispose();
    }

    /// <summary>Re-reads what changed (<see cref="LiveChange.All"/> after a reconnect). Runs on the page's renderer, which renders afterwards.</summary>
    protected abstract Task RefreshAsync(LiveChange changes, CancellationToken cancellationToken);

    private Task RereadAsync(LiveChange changes) => InvokeAsync(async () =>
    {
        if (stopping.IsCancellationRequested) return;
        await RefreshAsync(changes, stopping.Token);
        StateHasChanged();
    });

    public virtual async ValueTask DisposeAsync()
    {
        subscription?.Dispose();
        await stopping.CancelAsync();
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
