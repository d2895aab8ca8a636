using System.Threading.RateLimiting;
using Portal.Web.People;

namespace Portal.Web.Auth;

/// <summary>
/// Per-address limit on the forms that check a secret (sign-in, codes, invitation, password change and reset): Portal:Accounts:SignInAttemptsPerAddressPerMinute
/// posts a minute from one address, then 429. Per-account pacing is PasswordSignIn's throttle.
/// </summary>
public static class SignInRateLimits
{
    private static readonly string[] LimitedPaths =
        ["/account/login", "/account/invitation", "/account/login/code", "/account/mfa", "/account/password", "/account/password/forgot", "/account/password/reset"];

    public static IServiceCollection AddSignInRateLimits(this IServiceCollection services, AccountOptions options) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                HttpMethods.IsPost(http.Request.Method) && LimitedPaths.Any(p => http.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase))
                    ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions
                        {
                            PermitLimit = options.SignInAttemptsPerAddressPerMinute,
                            Window = TimeSpan.FromMinutes(1),
                            QueueLimit = 0,
                        })
                    : RateLimitPartition.GetNoLimiter("unlimited"));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await context.HttpContext.Response.WriteAsync("Too many sign-in attempts from your address. Wait a minute.", cancellationToken);
            };
        });
}
