using System.Net;

namespace Portal.Web.Edge;

/// <summary>Who may read the OpenAPI document and the interactive API reference.</summary>
public enum ApiReferenceAccess
{
    Public,
    SignedIn,
    Off,
}

/// <summary>
/// How the portal faces the network (section "Portal"): its public address, the proxies in front of it, the API
/// reference and the data-protection key ring. Checked at start-up; a wrong value stops the process and names it.
/// </summary>
public sealed class EdgeOptions
{
    public const string Section = "Portal";

    /// <summary>
    /// Where people and GitLab reach the portal, e.g. https://portal.example.com: every link the portal shows or sends
    /// starts with it, never with the request's Host. Required outside Development (an absolute https URL).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Who may read /openapi/v1.json and /api-reference; default SignedIn (Public in Development).</summary>
    public ApiReferenceAccess? ApiReference { get; set; }

    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    public DataProtectionSettings DataProtection { get; set; } = new();

    public Uri? PublicBaseUrl => string.IsNullOrWhiteSpace(PublicUrl) ? null : new Uri(PublicUrl.TrimEnd('/') + "/");

    public ApiReferenceAccess ApiReferenceFor(IHostEnvironment environment) =>
        ApiReference ?? (environment.IsDevelopment() ? ApiReferenceAccess.Public : ApiReferenceAccess.SignedIn);

    public void Validate(IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(PublicUrl))
        {
            if (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
                throw new InvalidOperationException(
                    $"{Section}:{nameof(PublicUrl)} must be an absolute URL of a host without path, query or user, e.g. " +
                    $"https://portal.example.com (is '{PublicUrl}').");
            if (!environment.IsDevelopment() && uri.Scheme != "https")
                throw new InvalidOperationException($"{Section}:{nameof(PublicUrl)} must be an https URL outside Development (is '{PublicUrl}').");
        }
        else if (environment.IsProduction())
        {
            throw new InvalidOperationException(
                $"{Section}:{nameof(PublicUrl)} is required in Production: the https address people reach the portal at, " +
                "e.g. https://portal.example.com (links and the webhook URL are built from it).");
        }
        ForwardedHeaders.Validate();
        DataProtection.Validate();
    }
}

/// <summary>The proxies whose X-Forwarded-For/Proto/Host are believed; none listed: forwarded headers are ignored.</summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Proxy addresses, e.g. "10.0.0.5".</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, e.g. "10.0.0.0/24".</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may be trusted (X-Forwarded-For entries read from the right).</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Any => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<IPAddress> Proxies => KnownProxies.Select(IPAddress.Parse);

    public IEnumerable<IPNetwork> Networks => KnownNetworks.Select(value => IPNetwork.Parse(value));

    public void Validate()
    {
        const string prefix = $"{EdgeOptions.Section}:{nameof(EdgeOptions.ForwardedHeaders)}";
        foreach (var proxy in KnownProxies.Where(proxy => !IPAddress.TryParse(proxy, out _)))
            throw new InvalidOperationException($"{prefix}:{nameof(KnownProxies)} has '{proxy}', which is not an IP address.");
        foreach (var network in KnownNetworks.Where(network => !IPNetwork.TryParse(network, out _)))
            throw new InvalidOperationException($"{prefix}:{nameof(KnownNetworks)} has '{network}', which is not a CIDR network such as 10.0.0.0/24.");
        if (ForwardLimit < 1) throw new InvalidOperationException($"{prefix}:{nameof(ForwardLimit)} must be at least 1 (is {ForwardLimit}).");
    }
}

/// <summary>Where the key ring's keys are encrypted at rest: a certificate (PFX) when one is given.</summary>
public sealed class DataProtectionSettings
{
    /// <summary>The application name every instance shares, so each reads the others' cookies and tokens.</summary>
    public const string ApplicationName = "Portal";

    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public void Validate()
    {
        if (!string.IsNullOrWhiteSpace(CertificatePath) && !File.Exists(CertificatePath))
            throw new InvalidOperationException(
                $"{EdgeOptions.Section}:{nameof(EdgeOptions.DataProtection)}:{nameof(CertificatePath)} names '{CertificatePath}', which does not exist.");
    }
}
