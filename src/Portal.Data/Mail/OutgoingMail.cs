namespace Portal.Data.Mail;

/// <summary>
/// One e-mail in the outbox. Written in the same transaction as what it tells of, so it survives a restart; sent by the
/// mail sender, which marks it sent in the transaction that holds its row lock, so it is sent once. <see cref="Key"/> is
/// unique: the same news to the same person (a release waiting at one approval) is queued once however often it is told.
/// </summary>
public class OutgoingMail
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Key { get; set; }
    public required string Recipient { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }

    /// <summary>The portal page the mail points to, relative ("operations/approvals"); made absolute when sent, from the
    /// public URL configured then.</summary>
    public string? Link { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }

    /// <summary>While unsent: not before this (null: now). Moves forward with each failed attempt (backoff).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Set when the sender gave up (too many attempts, or the server refused the recipient for good).</summary>
    public DateTimeOffset? AbandonedAt { get; set; }
    public string? LastError { get; set; }

    public bool IsQueued => SentAt is null && AbandonedAt is null;
}

/// <summary>A user who opted out of non-essential mail (approved/rejected notices); essential mail still reaches them.</summary>
public class MailPreference
{
    public Guid UserId { get; set; }
    public bool NonEssentialOptOut { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
