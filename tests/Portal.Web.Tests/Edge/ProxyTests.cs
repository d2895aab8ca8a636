using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Web.Edge;
using Portal.Web.Tests.Webhooks;

namespace Portal.Web.Tests.Edge;

/// <summary>The portal behind a TLS proxy at 127.0.0.2 that serves it as https://portal.example.test.</summary>
public sealed class ProxiedPortal : EdgePortal
{
    public const string PublicHost = "portal.example.test";
    public const string PublicUrl = $"https://{PublicHost}";
    public static readonly IPAddress ProxyAddress = IPAddress.Parse("127.0.0.2");

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Portal:PublicUrl"] = PublicUrl,
        ["Portal:ForwardedHeaders:KnownProxies:0"] = ProxyAddress.ToString(),
        ["Webhooks:RefusedRateLimitBurst"] = "2",
        ["Webhooks:RefusedRateLimitPerSecond"] = "1",
        ["Releases:StartWorkers"] = "0",
    };

    /// <summary>A client whose connections come from <paramref name="from"/>, sending what a proxy would.</summary>
    public HttpClient ClientFrom(IPAddress from, string? bearerToken = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Portal.BaseUrl };
        if (bearerToken is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", bearerToken);
        return client;
    }

    /// <summary>What the proxy adds: the public host, https and the client's address.</summary>
    public static Action<HttpRequestMessage> Forwarded(string clientAddress, string? forwardedHost = null) => request =>
    {
        request.Headers.Host = PublicHost;
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add("X-Forwarded-Host", forwardedHost ?? PublicHost);
    };
}

public sealed class ProxyTests(ProxiedPortal fixture) : IClassFixture<ProxiedPortal>
{
    [Fact]
    public async Task Through_the_proxy_redirects_use_https_and_the_public_url_and_answers_carry_hsts()
    {
        using var proxy = fixture.ClientFrom(ProxiedPortal.ProxyAddress);

        var response = await Send(proxy, HttpMethod.Get, "/operations", ProxiedPortal.Forwarded("203.0.113.9"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"{ProxiedPortal.PublicUrl}/account/login", response.Headers.Location!.ToString());
        Assert.Equal(SecurityHeaders.HstsValue, response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task Signing_in_through_the_proxy_sets_a_secure_cookie_and_audits_the_clients_address()
    {
        var user = await fixture.UserAsync(PortalRoles.Customer);
        using var proxy = fixture.ClientFrom(ProxiedPortal.ProxyAddress);

        var session = await CookieSession.SignInAsync(proxy, user.Email!, EdgePortal.Password, ProxiedPortal.Forwarded("203.0.113.9"));

        Assert.Contains("secure", session.AuthSetCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("203.0.113.9", await SignInSourceAsync(user.Id));
    }

    [Fact]
    public async Task The_webhook_url_is_the_public_url_whatever_host_the_request_names()
    {
        var (user, host) = await fixture.CustomerWithHostAsync();
        using var proxy = fixture.ClientFrom(ProxiedPortal.ProxyAddress, await fixture.TokenAsync(user));
        using var direct = fixture.Portal.CreateClient(await fixture.TokenAsync(user));

        var forgedForwardedHost = await Send(proxy, HttpMethod.Post, $"/api/v1/hosts/{host.Name}/webhook-token",
            ProxiedPortal.Forwarded("203.0.113.9", forwardedHost: "attacker.example"));
        var forgedHost = await Send(direct, HttpMethod.Post, $"/api/v1/hosts/{host.Name}/webhook-token",
            request => request.Headers.Host = "attacker.example");

        var body = await forgedForwardedHost.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"{ProxiedPortal.PublicUrl}/hooks/gitlab", body.GetProperty("webhookUrl").GetString());
        // Host filtering, from the public URL: a Host the portal is not known by gets a 400 and nothing else.
        Assert.Equal(HttpStatusCode.BadRequest, forgedHost.StatusCode);
        Assert.DoesNotContain("attacker", await forgedHost.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_refused_delivery_limit_counts_each_client_behind_the_proxy_on_its_own()
    {
        var projectId = WebhookPortalFixture.NewProjectId();
        await fixture.Portal.CreateHostAsync(projectId, "edge/hooks");
        using var proxy = fixture.ClientFrom(ProxiedPortal.ProxyAddress);

        var noisy = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) noisy.Add((await Hook(proxy, projectId, "198.51.100.1")).StatusCode);
        var quiet = await Hook(proxy, projectId, "198.51.100.2");

        Assert.Contains(HttpStatusCode.TooManyRequests, noisy);
        Assert.Equal(HttpStatusCode.Unauthorized, quiet.StatusCode);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_address_that_is_no_known_proxy_are_ignored()
    {
        var user = await fixture.UserAsync(PortalRoles.Customer);
        using var stranger = fixture.ClientFrom(IPAddress.Loopback);

        var redirect = await Send(stranger, HttpMethod.Get, "/operations", ProxiedPortal.Forwarded("203.0.113.77"));
        await CookieSession.SignInAsync(stranger, user.Email!, EdgePortal.Password, ProxiedPortal.Forwarded("203.0.113.77"));

        Assert.StartsWith($"http://{ProxiedPortal.PublicHost}/account/login", redirect.Headers.Location!.ToString());
        Assert.False(redirect.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal("127.0.0.1", await SignInSourceAsync(user.Id));
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, Action<HttpRequestMessage> decorate)
    {
        var request = new HttpRequestMessage(method, path);
        decorate(request);
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> Hook(HttpClient proxy, long projectId, string clientAddress)
    {
        var request = GitLabSender.Push(GitLabPayloads.Push(projectId: projectId), "glw_wrong");
        ProxiedPortal.Forwarded(clientAddress)(request);
        return proxy.SendAsync(request);
    }

    private Task<string?> SignInSourceAsync(Guid userId) => fixture.DbAsync(db => db.AuditEntries
        .Where(e => e.ActorId == userId && e.Action == "user.signed-in").Select(e => e.SourceAddress).SingleAsync());
}
