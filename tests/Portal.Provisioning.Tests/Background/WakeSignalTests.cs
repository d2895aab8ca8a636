using System.Diagnostics;
using Portal.Provisioning.Background;

namespace Portal.Provisioning.Tests.Background;

/// <summary>
/// The wait every background loop idles in. A due time computed a moment before the wait can already be past; that
/// negative timeout once made CancelAfter throw, which ended the reconciler and, with it, the whole portal.
/// </summary>
public sealed class WakeSignalTests
{
    [Fact]
    public async Task A_timeout_already_past_returns_at_once_instead_of_throwing()
    {
        var signal = new ProvisioningOrderSignal();
        var clock = Stopwatch.StartNew();
        await signal.WaitAsync(TimeSpan.FromTicks(-1234), CancellationToken.None);
        await signal.WaitAsync(TimeSpan.FromMinutes(-5), CancellationToken.None);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_wake_ends_an_endless_wait_and_a_wake_before_the_wait_is_kept_once()
    {
        var signal = new ProvisioningOrderSignal();
        var waiting = signal.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        signal.Wake();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        signal.Wake();
        signal.Wake();
        await signal.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        var second = signal.WaitAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None);
        await Task.Delay(100);
        Assert.False(second.IsCompleted); // the two wakes came before one wait: they woke it once
        await second;
    }

    [Fact]
    public async Task Stopping_ends_the_wait_with_a_cancellation()
    {
        var signal = new ProvisioningOrderSignal();
        using var stopping = new CancellationTokenSource();
        var waiting = signal.WaitAsync(Timeout.InfiniteTimeSpan, stopping.Token);
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
