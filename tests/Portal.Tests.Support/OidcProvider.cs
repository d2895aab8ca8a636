using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Tests.Support;

/// <summary>
/// A real OpenID provider (npm oidc-provider, OpenID Certified; tests/oidc-provider) on loopback. Any login name signs in;
/// its e-mail is the name, verified unless it starts with "unverified:". Installed (npm ci) the first time one starts.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "portal-tests";
    public const string ClientSecret = "portal-tests-secret-0123456789abcdef";

    private static readonly string Directory = RepoPaths.Combine("tests", "oidc-provider");
    private static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly Process process;

    private OidcProvider(Process process, Uri issuer)
    {
        this.process = process;
        Issuer = issuer;
    }

    public Uri Issuer { get; }

    /// <summary>The portal's settings for signing in here.</summary>
    public Dictionary<string, string?> PortalSettings => new()
    {
        ["Portal:Oidc:Authority"] = Issuer.ToString().TrimEnd('/'),
        ["Portal:Oidc:ClientId"] = ClientId,
        ["Portal:Oidc:ClientSecret"] = ClientSecret,
        ["Portal:Oidc:DisplayName"] = "Test ID",
    };

    public static async Task<OidcProvider> StartAsync()
    {
        _ = Installed.Value;
        var start = new ProcessStartInfo("node", "provider.mjs")
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node provider.mjs could not be started.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException("The OpenID provider ended before it listened.");
        var issuer = JsonDocument.Parse(line).RootElement.GetProperty("issuer").GetString()!;
        return new OidcProvider(process, new Uri(issuer));
    }

    /// <summary>Registers the portal (RFC 7591 dynamic registration) with its callback, once the portal listens.</summary>
    public async Task RegisterPortalAsync(Uri portalBaseUrl)
    {
        using var http = new HttpClient();
        var response = await http.PostAsJsonAsync(new Uri(Issuer, "reg"), new
        {
            redirect_uris = new[] { new Uri(portalBaseUrl, "signin-oidc").ToString() },
            grant_types = new[] { "authorization_code" },
            response_types = new[] { "code" },
            token_endpoint_auth_method = "client_secret_post",
        });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Registering the portal failed: {response.StatusCode} {body}");
    }

    public async ValueTask DisposeAsync()
    {
        NodeProcesses.Stop(process);
        await Task.CompletedTask;
    }

    private static bool Install()
    {
        NodeProcesses.EnsureInstalled(Directory, "oidc-provider");
        return true;
    }
}
