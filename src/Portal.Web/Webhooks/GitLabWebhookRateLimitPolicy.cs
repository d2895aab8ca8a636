using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Portal.Provisioning.Webhooks;

namespace Portal.Web.Webhooks;

/// <summary>
/// Limits webhook requests per source address with a token bucket (Webhooks:RateLimitBurst, Webhooks:RateLimitPerSecond);
/// a refused request gets 429 problem details with Retry-After. Counted before the token is checked, so it also slows
/// down anyone guessing tokens. Behind a reverse proxy, configure forwarded headers so that the address is the client's.
/// </summary>
public sealed class GitLabWebhookRateLimitPolicy(GitLabWebhookOptions options) : IRateLimiterPolicy<string>
{
    public const string Name = "gitlab-webhook";

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetTokenBucketLimiter(httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.RateLimitBurst,
                TokensPerPeriod = options.RateLimitPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, _) =>
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"Too many webhook requests from this address; retry after {seconds} s.");
    };
}

public static class GitLabWebhookRateLimiting
{
    public static IServiceCollection AddGitLabWebhookRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, GitLabWebhookRateLimitPolicy>(GitLabWebhookRateLimitPolicy.Name));
}
