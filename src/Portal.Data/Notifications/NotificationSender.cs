using Microsoft.Extensions.Logging;
using Npgsql;

namespace Portal.Data.Notifications;

/// <summary>
/// Sends notifications from application code where a trigger would cost too much (accepted pushes, see
/// <see cref="LiveNotify"/>) or cannot see the change (failed background jobs). Off the caller's path and coalesced: a
/// caller only queues; one statement sends everything queued, at most one statement is in flight, and statements are at
/// least <see cref="MinInterval"/> apart, so a burst of thousands of pushes costs a few notifications a second. What is
/// sent must already be committed by the caller. Only a hint: a notification lost with a failure is covered by the
/// listeners' safety polls, so a failure is logged, not retried.
/// </summary>
public sealed class NotificationSender(NotificationDataSource database, ILogger<NotificationSender> logger)
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(50);

    private const string NotifySql = "SELECT pg_notify(c, p) FROM unnest(@channels, @payloads) AS t(c, p)";

    private readonly Lock gate = new();
    private HashSet<(string Channel, string Payload)> queued = [];
    private bool sending;

    public void Send(string channel, string payload)
    {
        lock (gate)
        {
            queued.Add((channel, payload));
            if (sending) return;
            sending = true;
        }
        _ = Task.Run(SendQueuedAsync);
    }

    private async Task SendQueuedAsync()
    {
        while (true)
        {
            HashSet<(string Channel, string Payload)> batch;
            lock (gate)
            {
                if (queued.Count == 0)
                {
                    sending = false;
                    return;
                }
                batch = queued;
                queued = [];
            }
            try
            {
                await using var command = database.DataSource.CreateCommand(NotifySql);
                command.Parameters.Add(new NpgsqlParameter<string[]>("channels", batch.Select(b => b.Channel).ToArray()));
                command.Parameters.Add(new NpgsqlParameter<string[]>("payloads", batch.Select(b => b.Payload).ToArray()));
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Sending {Count} change notifications failed; listeners catch up at their next poll.", batch.Count);
            }
            await Task.Delay(MinInterval);
        }
    }
}

/// <summary>The small pool <see cref="NotificationSender"/> sends through (one statement at a time).</summary>
public sealed class NotificationDataSource(string connectionString) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
    {
        MaxPoolSize = 2,
        ApplicationName = "portal-notify",
    }.ConnectionString);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
