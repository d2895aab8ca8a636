using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Portal.Data;

namespace Portal.Provisioning.Webhooks;

/// <summary>
/// Listens for <see cref="RoutingNotify"/> on a connection of its own and makes <see cref="WebhookRoutes"/> forget on
/// every notification. While it is not connected (start-up, a lost connection), the routes are not kept at all: a
/// change it could not hear must not leave a stale route behind. It reconnects on its own.
/// </summary>
public sealed class WebhookRoutesListener(WebhookRoutes routes, WebhookListenerConnection connection, ILogger<WebhookRoutesListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
                logger.LogWarning(e, "Listening for webhook routing changes failed; pushes are routed from the database until it reconnects.");
            }
            finally
            {
                routes.Listening(false);
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
        listener.Notification += (_, _) => routes.Forget();
        await using (var listen = new NpgsqlCommand($"LISTEN {RoutingNotify.Channel}", listener))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        routes.Listening(true);
        logger.LogDebug("Listening for webhook routing changes.");
        while (true) await listener.WaitAsync(stoppingToken);
    }
}

/// <summary>The listener's own connection: unpooled (LISTEN is session state) and kept alive, so a dead peer is noticed.</summary>
public sealed class WebhookListenerConnection(string connectionString)
{
    /// <summary>How the connection shows in pg_stat_activity.</summary>
    public const string ApplicationName = "portal-webhook-routes";

    public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        KeepAlive = 10,
        ApplicationName = ApplicationName,
    }.ConnectionString;
}
