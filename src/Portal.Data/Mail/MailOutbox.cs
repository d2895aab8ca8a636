using Microsoft.EntityFrameworkCore;
using Portal.Data.Text;

namespace Portal.Data.Mail;

/// <summary>
/// Puts mail in the outbox, in the caller's unit of work (it is saved with what it tells of, or not at all). Each
/// recipient gets a row of its own keyed by the news and the address, so telling the same news twice queues nothing more.
/// </summary>
public static class MailOutbox
{
    public const int MaxSubjectLength = 300;
    public const int MaxBodyLength = 20_000;

    public static async Task<int> QueueAsync(PortalDbContext db, string newsKey, IEnumerable<string> recipients, string subject, string body,
        string? link, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byKey = recipients.Where(r => !string.IsNullOrWhiteSpace(r))
            .Select(r => r.Trim())
            .DistinctBy(r => r.ToLowerInvariant())
            .ToDictionary(r => PostgresText.ShortenNotNull($"{newsKey}:{r.ToLowerInvariant()}", 300), r => r);
        if (byKey.Count == 0) return 0;
        var keys = byKey.Keys.ToList();
        var queued = await db.OutgoingMails.Where(m => keys.Contains(m.Key)).Select(m => m.Key).ToListAsync(cancellationToken);
        var added = 0;
        foreach (var (key, recipient) in byKey)
        {
            if (queued.Contains(key) || db.OutgoingMails.Local.Any(m => m.Key == key)) continue;
            db.OutgoingMails.Add(new OutgoingMail
            {
                Key = key,
                Recipient = recipient,
                Subject = PostgresText.ShortenNotNull(subject.ReplaceLineEndings(" "), MaxSubjectLength),
                Body = PostgresText.ShortenNotNull(body, MaxBodyLength),
                Link = link,
                CreatedAt = now,
            });
            added++;
        }
        return added;
    }
}
