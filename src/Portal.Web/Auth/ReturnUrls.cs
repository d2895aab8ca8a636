namespace Portal.Web.Auth;

public static class ReturnUrls
{
    /// <summary>Only local paths: never redirect a freshly signed-in user to another site.</summary>
    public static string Safe(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url
        : !string.IsNullOrEmpty(url) && !url.Contains(':') && !url.StartsWith('/') ? "/" + url
        : "/";
}
