namespace Portal.Tests.Support;

/// <summary>Waits for something a background job or a live page brings about.</summary>
public static class Poll
{
    /// <summary>Asks until the answer satisfies <paramref name="done"/>; on timeout fails with the last answer.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> ask, Func<T, bool> done, TimeSpan timeout, string what, Func<T, string>? describe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var answer = await ask();
            if (done(answer)) return answer;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}; last seen: {(describe is null ? answer : describe(answer))}");
            await Task.Delay(100);
        }
    }
}
