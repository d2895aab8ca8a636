namespace Portal.Data;

/// <summary>Where GitLab sends a host's push events and what its secret token looks like.</summary>
public static class HostWebhook
{
    /// <summary>The portal's webhook endpoint; GitLab sends the host's token in X-Gitlab-Token.</summary>
    public const string Path = "/hooks/gitlab";

    public const string TokenPrefix = "whk_";

    public static string Url(string portalBaseUrl) => portalBaseUrl.TrimEnd('/') + Path;
}
