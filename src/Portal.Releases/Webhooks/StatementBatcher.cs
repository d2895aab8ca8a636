using System.Threading.Channels;

namespace Portal.Releases.Webhooks;

/// <summary>
/// Runs many callers' small database statements as one: a caller queues its item, and whatever queued while the
/// previous statement ran goes together in the next (one statement at a time: on a small machine, bigger batches beat
/// more of them in flight). Alone, a caller waits for one statement as before; under load,
/// one round trip, one plan and one commit serve a whole batch. If a batch fails, its items are retried one by one,
/// so a bad item fails only its own caller.
/// </summary>
public sealed class StatementBatcher<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done)> queue =
        Channel.CreateUnbounded<(TItem, TaskCompletionSource<TResult>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> run;
    private readonly int maxBatch;
    private readonly Task loop;

    /// <param name="run">Runs a batch; answers one result per item, in the items' order.</param>
    public StatementBatcher(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> run, int maxBatch)
    {
        this.run = run;
        this.maxBatch = maxBatch;
        loop = Task.Run(LoopAsync);
    }

    public Task<TResult> RunAsync(TItem item, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite((item, done)), this);
        // A caller that stops waiting leaves its item queued: it still runs, as a statement already sent would.
        return done.Task.WaitAsync(cancellationToken);
    }

    private async Task LoopAsync()
    {
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(maxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var queued)) batch.Add(queued);
            if (batch.Count == 0) continue;
            if (batch.Count == 1)
            {
                await RunAloneAsync(batch[0].Item, batch[0].Done);
                continue;
            }
            try
            {
                var results = await run(batch.Select(b => b.Item).ToList());
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch
            {
                foreach (var (item, done) in batch) await RunAloneAsync(item, done);
            }
        }
    }

    private async Task RunAloneAsync(TItem item, TaskCompletionSource<TResult> done)
    {
        try
        {
            done.TrySetResult((await run([item]))[0]);
        }
        catch (Exception e)
        {
            done.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }
}
