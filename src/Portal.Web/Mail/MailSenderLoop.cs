using Portal.Data;
using Portal.Data.Mail;
using Portal.Data.Notifications;

namespace Portal.Web.Mail;

/// <summary>Wakes <see cref="MailSenderLoop"/> when mail is queued (the outbox's insert trigger, <see cref="MailNotify"/>).</summary>
public sealed class MailQueuedSignal() : WakeSignal(WorkNotify.Channel, MailNotify.Payload);

/// <summary>
/// Sends the outbox (<see cref="OutboxSender"/>) on job server instances. Idle it waits for <see cref="MailQueuedSignal"/>
/// or the next retry's due time, looking on its own only every <see cref="MailOptions.SafetyPollInterval"/>.
/// </summary>
public sealed class MailSenderLoop(OutboxSender sender, MailQueuedSignal signal, MailOptions options, TimeProvider time,
    ILogger<MailSenderLoop> logger) : BackgroundService
{
    private const int BatchSize = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.SafetyPollInterval;
            try
            {
                signal.Drain();
                if (await sender.SendDueAsync(BatchSize, stoppingToken) == BatchSize) continue;
                if (await sender.NextDueAsync(stoppingToken) is { } next)
                {
                    var until = next - time.GetUtcNow();
                    wait = until < wait ? (until > TimeSpan.FromMilliseconds(50) ? until : TimeSpan.FromMilliseconds(50)) : wait;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Sending mail failed; trying again in {Delay}.", options.RetryDelay);
                wait = options.RetryDelay;
            }
            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
