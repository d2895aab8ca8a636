using Portal.GitLab;

namespace Portal.Web.Mail;

/// <summary>Absolute links for mail: Portal:PublicUrl when set, else the address GitLab reaches the portal at.</summary>
public sealed class MailLinks(IConfiguration configuration, IPortalAddress portal)
{
    public Uri Base => configuration[MailOptions.PublicUrlKey] is { Length: > 0 } configured
        ? new Uri(configured.TrimEnd('/') + "/")
        : portal.BaseUrl;

    public Uri To(string relative) => new(Base, relative.TrimStart('/'));
}
