using Microsoft.Extensions.Logging;

namespace Portal.Aws.Protocol;

/// <summary>
/// Retries throttling, 5xx, timeouts and transport failures with jittered exponential backoff ("full jitter": a random
/// delay up to base·2^(n-1), capped), within <see cref="AwsOptions.MaxAttempts"/> and <see cref="AwsOptions.RetryBudget"/>.
/// Other errors surface at once. When retries run out the last error surfaces as <see cref="AwsUnavailableException"/>.
/// </summary>
public sealed class AwsRetryPolicy(AwsOptions options, TimeProvider time, ILogger<AwsRetryPolicy> logger)
{
    /// <summary>Throttling backs off this many times longer than other failures: the service asked us to slow down.</summary>
    private const int ThrottlingFactor = 5;

    public async Task<T> ExecuteAsync<T>(AwsService service, string operation, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        AwsException? last = null;
        var attempts = 0;
        while (true)
        {
            attempts++;
            var remaining = options.RetryBudget - time.GetElapsedTime(started);
            var attemptTimeout = remaining < options.Timeout ? remaining : options.Timeout;
            // The attempt's deadline runs on the injected clock, so the budget and the timeout are one notion of time.
            using var attemptDeadline = new CancellationTokenSource(attemptTimeout > TimeSpan.Zero ? attemptTimeout : TimeSpan.FromMilliseconds(1), time);
            using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptDeadline.Token);
            try
            {
                return await attempt(attemptCancellation.Token);
            }
            catch (AwsException e) when (e.Retryable)
            {
                last = e;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && attemptTimeout < options.Timeout && last is not null)
            {
                // The budget, not AWS, cut this last attempt short: the previous answer says more about why we give up.
                break;
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                last = new AwsException(service.SigningName, AwsErrors.TimeoutCode, $"No answer within {attemptTimeout.TotalSeconds:0.###} s.", null, 0, retryable: true, e);
            }
            catch (HttpRequestException e)
            {
                last = new AwsException(service.SigningName, AwsErrors.NetworkingCode, e.Message, null, 0, retryable: true, e);
            }
            catch (IOException e)
            {
                last = new AwsException(service.SigningName, AwsErrors.NetworkingCode, e.Message, null, 0, retryable: true, e);
            }

            if (attempts >= options.MaxAttempts) break;
            var delay = Backoff(attempts, AwsErrors.IsThrottling(last.Code, last.StatusCode));
            if (time.GetElapsedTime(started) + delay >= options.RetryBudget) break;
            logger.LogDebug("AWS {Service} {Operation} attempt {Attempt} failed with {Code} (request {RequestId}); retrying in {Delay} ms.",
                service.SigningName, operation, attempts, last.Code, last.RequestId, (int)delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken);
        }

        // Not logged here: AwsRequestSender logs every failed call once.
        logger.LogDebug("AWS {Service} {Operation} gave up after {Attempts} attempts in {Elapsed} ms.",
            service.SigningName, operation, attempts, (int)time.GetElapsedTime(started).TotalMilliseconds);
        throw new AwsUnavailableException(service.SigningName, last.Code, last.AwsMessage, last.RequestId, last.StatusCode, last, attempts);
    }

    /// <summary>The delay after the given number of failed attempts: uniformly random up to the capped exponential ceiling.</summary>
    public TimeSpan Backoff(int failedAttempts, bool throttled)
    {
        var baseDelay = options.RetryBaseDelay * (throttled ? ThrottlingFactor : 1);
        var ceiling = baseDelay * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        if (ceiling > options.RetryMaxDelay) ceiling = options.RetryMaxDelay;
        return ceiling * Random.Shared.NextDouble();
    }
}
