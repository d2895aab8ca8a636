namespace Portal.Data.Mail;

/// <summary>
/// Wakes the mail sender of every instance when mail is queued (<see cref="WorkNotify.Channel"/>, payload
/// <see cref="Payload"/>): a statement trigger on the outbox, so every writer is covered and a statement that queues many
/// mails notifies once, when it commits.
/// </summary>
public static class MailNotify
{
    public const string Payload = "mail";

    public const string Create = $"""
        CREATE FUNCTION portal_mail_queued() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{WorkNotify.Channel}', '{Payload}');
            RETURN NULL;
        END $$;

        CREATE TRIGGER mail_queued AFTER INSERT ON "OutgoingMails" FOR EACH STATEMENT EXECUTE FUNCTION portal_mail_queued();
        """;

    public const string Drop = """
        DROP TRIGGER mail_queued ON "OutgoingMails";
        DROP FUNCTION portal_mail_queued();
        """;
}
