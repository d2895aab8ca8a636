namespace Portal.AwsEmulator;

/// <summary>
/// The emulator's idea of the time for request signatures and the Date header of every answer: the machine's clock
/// plus a skew set through /_emulator/clock, so a test can play a client whose clock is off (or a server that is).
/// </summary>
public sealed class EmulatorClock
{
    private long skewTicks;

    public TimeSpan Skew
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref skewTicks));
        set => Interlocked.Exchange(ref skewTicks, value.Ticks);
    }

    public DateTimeOffset Now => DateTimeOffset.UtcNow + Skew;
}

/// <summary>The body of GET/PUT /_emulator/clock.</summary>
public sealed record ClockSettings(TimeSpan? Skew, DateTimeOffset? Now = null);
