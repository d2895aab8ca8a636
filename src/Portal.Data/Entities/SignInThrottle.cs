namespace Portal.Data.Entities;

/// <summary>
/// Failed sign-ins for one e-mail address, known or not (so the answer never tells which). Each failure lengthens the
/// wait before the next attempt; a success or an operator's unlock clears it. Nobody can lock anyone out for long.
/// </summary>
public class SignInThrottle
{
    /// <summary>The e-mail address as Identity normalizes it (upper case).</summary>
    public required string EmailKey { get; set; }
    public int Failures { get; set; }
    public DateTimeOffset LastFailureAt { get; set; }
}
