namespace Portal.Web.Hosts;

/// <summary>The portal's address as the caller reached it, for URLs shown to customers (the GitLab webhook).</summary>
public static class PortalBaseUrl
{
    public static string Of(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
