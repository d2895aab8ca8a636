using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.People;

namespace Portal.Web.Auth;

/// <summary>
/// The one rule for pacing secrets people type (passwords, authenticator and recovery codes): after a few free failures each
/// further one doubles the wait before the next attempt, up to Portal:Accounts:MaxSignInDelay. A wait, never a lock.
/// </summary>
public sealed class SignInPacing(AccountOptions options)
{
    /// <summary>Failures that are free before delays begin (typing mistakes).</summary>
    private const int FreeFailures = 3;

    /// <summary>The wait after the free failures; it doubles with each further failure.</summary>
    private const double FirstDelaySeconds = 5;

    public TimeSpan? WaitLeft(SignInThrottle throttle, DateTimeOffset now)
    {
        if (throttle.Failures < FreeFailures) return null;
        var seconds = Math.Min(FirstDelaySeconds * Math.Pow(2, throttle.Failures - FreeFailures), options.MaxSignInDelay.TotalSeconds);
        var left = throttle.LastFailureAt + TimeSpan.FromSeconds(seconds) - now;
        return left > TimeSpan.Zero ? left : null;
    }

    /// <summary>The wait still due for <paramref name="key"/>, if any.</summary>
    public async Task<TimeSpan?> WaitLeftAsync(PortalDbContext db, string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.SignInThrottles.SingleOrDefaultAsync(t => t.EmailKey == key, cancellationToken) is { } throttle ? WaitLeft(throttle, now) : null;

    /// <summary>Counts a failure for <paramref name="key"/> in the caller's unit of work.</summary>
    public static async Task FailedAsync(PortalDbContext db, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var throttle = await db.SignInThrottles.SingleOrDefaultAsync(t => t.EmailKey == key, cancellationToken)
                       ?? db.SignInThrottles.Add(new SignInThrottle { EmailKey = key }).Entity;
        throttle.Failures++;
        throttle.LastFailureAt = now;
    }

    public static async Task SucceededAsync(PortalDbContext db, string key, CancellationToken cancellationToken) =>
        await db.SignInThrottles.Where(t => t.EmailKey == key).ExecuteDeleteAsync(cancellationToken);

    public static string TooMany(TimeSpan wait, string what) =>
        $"Too many failed {what}. Try again in {Math.Ceiling(wait.TotalSeconds)} seconds.";
}
