using MailKit.Net.Smtp;
using MimeKit;
using Portal.Data.Mail;

namespace Portal.Web.Mail;

/// <summary>Sends one outbox mail over SMTP with MailKit (connect, authenticate when configured, send, quit).</summary>
public sealed class SmtpMailTransport(MailOptions options, MailLinks links, MailLinkProtector secrets)
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        using var message = Compose(mail);
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(options.Host!, options.Port, options.SocketOptions, cancellationToken);
        if (!string.IsNullOrEmpty(options.UserName)) await client.AuthenticateAsync(options.UserName, options.Password ?? "", cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    public MimeMessage Compose(OutgoingMail mail)
    {
        var message = new MimeMessage();
        message.From.Add(options.FromAddress);
        message.To.Add(MailboxAddress.Parse(mail.Recipient));
        message.Subject = mail.Subject;
        // The outbox row's id: a mail the portal sent twice (the send succeeded, recording it did not) is recognisably one.
        message.MessageId = $"{mail.Id:N}@{options.FromAddress.Domain}";
        message.Date = mail.CreatedAt;
        var text = mail.Link is null ? mail.Body : $"{mail.Body}\n\n{links.To(secrets.Reveal(mail.Link))}\n";
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }
}
