using System.Threading.Channels;

namespace Portal.Provisioning.Releases;

/// <summary>
/// Wakes the release starters of this process when a release becomes pending, so that a push starts its pipeline
/// within milliseconds rather than at the next poll. Only a hint: the pending release row is what counts, and the
/// starters also poll, so a lost signal (or a release recorded by another portal instance) only costs latency.
/// </summary>
public sealed class ReleaseStartSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public void Notify() => channel.Writer.TryWrite(true);

    /// <summary>Waits for a notification or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await channel.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }
}
