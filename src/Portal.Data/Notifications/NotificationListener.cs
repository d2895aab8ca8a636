using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Portal.Data.Notifications;

/// <summary>Something that follows a Postgres notification channel through the <see cref="NotificationListener"/>.</summary>
public interface INotificationSubscriber
{
    string Channel { get; }

    /// <summary>A notification arrived. Called on the listener's connection: return quickly, never block.</summary>
    void Notified(string payload);

    /// <summary>
    /// True once the listener's LISTEN is in place, at start and after every reconnect: notifications sent meanwhile are
    /// lost, so a subscriber re-reads (or looks for work) then. False when the connection is lost.
    /// </summary>
    void Listening(bool listening);
}

/// <summary>
/// One connection per portal instance that LISTENs on every channel its subscribers follow (<see cref="LiveNotify"/>,
/// <see cref="WorkNotify"/>) and hands each notification to them. Like the webhook routes' listener: a connection of its
/// own, unpooled and kept alive, reconnecting on its own; a reconnect tells every subscriber to re-read.
/// </summary>
public sealed class NotificationListener(IEnumerable<INotificationSubscriber> subscribers, NotificationListenerConnection connection,
    ILogger<NotificationListener> logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);
    private readonly INotificationSubscriber[] all = subscribers.ToArray();

    /// <summary>Whether LISTEN is in place right now.</summary>
    public bool IsListening { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (all.Length == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Listening for change notifications failed; reconnecting in {Delay}.", ReconnectDelay);
            }
            finally
            {
                if (IsListening) Tell(s => s.Listening(false));
                IsListening = false;
            }
            try
            {
                await Task.Delay(ReconnectDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var listener = new NpgsqlConnection(connection.ConnectionString);
        await listener.OpenAsync(stoppingToken);
        var byChannel = all.GroupBy(s => s.Channel).ToDictionary(g => g.Key, g => g.ToArray());
        listener.Notification += (_, e) =>
        {
            if (byChannel.TryGetValue(e.Channel, out var channelSubscribers))
                foreach (var subscriber in channelSubscribers) Tell(subscriber, s => s.Notified(e.Payload));
        };
        // One round trip for every channel: LISTEN is session state, so it is issued again on every new connection.
        await using (var listen = new NpgsqlCommand(string.Concat(byChannel.Keys.Select(c => $"LISTEN {c};")), listener))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        IsListening = true;
        Tell(s => s.Listening(true));
        logger.LogDebug("Listening for change notifications on {Channels}.", string.Join(", ", byChannel.Keys));
        while (true) await listener.WaitAsync(stoppingToken);
    }

    private void Tell(Action<INotificationSubscriber> action)
    {
        foreach (var subscriber in all) Tell(subscriber, action);
    }

    private void Tell(INotificationSubscriber subscriber, Action<INotificationSubscriber> action)
    {
        try
        {
            action(subscriber);
        }
        catch (Exception e)
        {
            // One subscriber's fault must not end the others' notifications.
            logger.LogError(e, "A subscriber of channel {Channel} failed.", subscriber.Channel);
        }
    }
}

/// <summary>The listener's own connection: unpooled (LISTEN is session state) and kept alive, so a dead peer is noticed.</summary>
public sealed class NotificationListenerConnection(string connectionString)
{
    /// <summary>How the connection shows in pg_stat_activity.</summary>
    public const string ApplicationName = "portal-notifications";

    public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        KeepAlive = 10,
        ApplicationName = ApplicationName,
    }.ConnectionString;
}
