using System.Globalization;

namespace Portal.AwsEmulator.CodeBuild;

/// <summary>A build's log as CodeBuild writes it: "[Container] yyyy/MM/dd HH:mm:ss.ffffff message" lines and the commands' own output.</summary>
public sealed class BuildLog
{
    private readonly List<(DateTimeOffset Time, string Message)> lines = [];
    private DateTimeOffset clock = DateTimeOffset.UtcNow;

    public IReadOnlyList<(DateTimeOffset Time, string Message)> Lines => lines;

    public void Container(string message) => Add($"[Container] {Tick().UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)} {message}");

    public void Output(string message) => Add(message);

    public DateTimeOffset Now => clock;

    private void Add(string message) => lines.Add((Tick(), message));

    /// <summary>Each line a millisecond after the one before, so the order survives CloudWatch's millisecond timestamps.</summary>
    private DateTimeOffset Tick()
    {
        clock = clock.AddMilliseconds(1);
        return clock;
    }
}
