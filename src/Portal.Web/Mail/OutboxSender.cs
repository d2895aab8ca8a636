using MailKit;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Text;

namespace Portal.Web.Mail;

/// <summary>
/// Sends the outbox one mail at a time. Each mail is taken with its row locked (FOR UPDATE SKIP LOCKED) for the whole SMTP
/// exchange and marked sent in that transaction, so two instances never send the same mail and a sent mail is never
/// taken again. A failure leaves it queued with a later attempt time (the wait doubles each time); a recipient the
/// server refuses for good (5xx), or too many attempts, abandons it with the reason. The one way a mail goes out twice
/// is a crash between the server's acceptance and the commit; its Message-Id is the row's, so it is recognisable.
/// </summary>
public sealed class OutboxSender(IDbContextFactory<PortalDbContext> contexts, SmtpMailTransport transport, MailOptions options, TimeProvider time,
    ILogger<OutboxSender> logger)
{
    /// <summary>Sends the mail that is due, oldest first; returns how many were tried.</summary>
    public async Task<int> SendDueAsync(int limit, CancellationToken cancellationToken)
    {
        var tried = 0;
        while (tried < limit && await SendOneAsync(cancellationToken)) tried++;
        return tried;
    }

    /// <summary>When the next queued mail is due (null: nothing is queued).</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var queued = db.OutgoingMails.Where(m => m.SentAt == null && m.AbandonedAt == null);
        if (await queued.AnyAsync(m => m.NextAttemptAt == null, cancellationToken)) return time.GetUtcNow();
        return await queued.MinAsync(m => m.NextAttemptAt, cancellationToken);
    }

    private async Task<bool> SendOneAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var mail = (await db.OutgoingMails.FromSql($"""
                SELECT * FROM "OutgoingMails"
                WHERE "SentAt" IS NULL AND "AbandonedAt" IS NULL AND ("NextAttemptAt" IS NULL OR "NextAttemptAt" <= {now})
                ORDER BY "NextAttemptAt" NULLS FIRST, "CreatedAt"
                LIMIT 1
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(cancellationToken)).SingleOrDefault();
        if (mail is null) return false;

        mail.Attempts++;
        try
        {
            await transport.SendAsync(mail, cancellationToken);
            mail.SentAt = time.GetUtcNow();
            mail.LastError = null;
            logger.LogInformation("Mail {MailId} ({Subject}) sent to {Recipient}", mail.Id, mail.Subject, mail.Recipient);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var (reason, permanent) = Describe(e);
            mail.LastError = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
            if (permanent || mail.Attempts >= options.MaxAttempts)
            {
                mail.AbandonedAt = now;
                logger.LogWarning("Mail {MailId} to {Recipient} given up after {Attempts} attempts: {Reason}", mail.Id, mail.Recipient, mail.Attempts, reason);
            }
            else
            {
                mail.NextAttemptAt = now + options.Backoff(mail.Attempts);
                logger.LogWarning("Mail {MailId} to {Recipient} failed (attempt {Attempts}): {Reason}; next at {Next}",
                    mail.Id, mail.Recipient, mail.Attempts, reason, mail.NextAttemptAt);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return true;
    }

    /// <summary>The server's words, and whether trying again cannot help (it refused the recipient or the message for good).</summary>
    private static (string Reason, bool Permanent) Describe(Exception e) => e switch
    {
        SmtpCommandException smtp => ($"The SMTP server answered {(int)smtp.StatusCode}: {smtp.Message}",
            (int)smtp.StatusCode >= 500 && smtp.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted),
        SmtpProtocolException protocol => ($"The SMTP exchange broke off: {protocol.Message}", false),
        ServiceNotConnectedException or ServiceNotAuthenticatedException => (e.Message, false),
        MailKit.Security.AuthenticationException auth => ($"The SMTP server refused the portal's credentials: {auth.Message}", false),
        MimeKit.ParseException parse => ($"The address cannot be mailed: {parse.Message}", true),
        _ => ($"The SMTP server could not be reached: {e.Message}", false),
    };
}
