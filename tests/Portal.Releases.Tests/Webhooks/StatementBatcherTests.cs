using Portal.Releases.Webhooks;

namespace Portal.Releases.Tests.Webhooks;

public sealed class StatementBatcherTests
{
    [Fact]
    public async Task Callers_arriving_while_a_statement_runs_share_the_next_one()
    {
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var batches = new List<int>();
        await using var batcher = new StatementBatcher<int, int>(async items =>
        {
            lock (batches) batches.Add(items.Count);
            if (items.Contains(0))
            {
                firstRunning.SetResult();
                await releaseFirst.Task;
            }
            return items.Select(i => i * 10).ToList();
        }, maxBatch: 100);

        var first = batcher.RunAsync(0, CancellationToken.None);
        await firstRunning.Task;
        var waiting = Enumerable.Range(1, 20).Select(i => batcher.RunAsync(i, CancellationToken.None)).ToList();
        releaseFirst.SetResult();

        Assert.Equal(0, await first);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => i * 10), await Task.WhenAll(waiting));
        Assert.Equal([1, 20], batches);
    }

    [Fact]
    public async Task A_failing_batch_is_retried_item_by_item_so_only_the_bad_item_fails()
    {
        var gate = new TaskCompletionSource();
        await using var batcher = new StatementBatcher<int, int>(async items =>
        {
            await gate.Task;
            if (items.Contains(13)) throw new InvalidOperationException("unlucky");
            return items.ToList();
        }, maxBatch: 100);

        var calls = Enumerable.Range(10, 5).Select(i => batcher.RunAsync(i, CancellationToken.None)).ToList();
        gate.SetResult();

        foreach (var (call, item) in calls.Zip(Enumerable.Range(10, 5)))
        {
            if (item == 13) await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            else Assert.Equal(item, await call);
        }
    }
}
