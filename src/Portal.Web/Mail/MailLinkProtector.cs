using Microsoft.AspNetCore.DataProtection;

namespace Portal.Web.Mail;

/// <summary>
/// Links that carry a secret (an invitation or password-reset token) wait in the outbox encrypted with the portal's
/// data-protection key ring, so the database never holds a usable link in clear; the sender decrypts them when it sends.
/// </summary>
public sealed class MailLinkProtector(IDataProtectionProvider provider)
{
    private const string Prefix = "protected:";
    private readonly IDataProtector protector = provider.CreateProtector("Portal.Mail.SecretLink");

    public string Protect(string relativeLink) => Prefix + protector.Protect(relativeLink);

    /// <summary>The relative link to send: a protected one decrypted, any other as it is.</summary>
    public string Reveal(string link) =>
        link.StartsWith(Prefix, StringComparison.Ordinal) ? protector.Unprotect(link[Prefix.Length..]) : link;
}
