using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.AwsEmulator;
using Portal.AwsEmulator.Admin;
using Portal.AwsEmulator.Faults;

namespace Portal.Tests.Support;

/// <summary>
/// The AWS emulator, in-process, on a free loopback port, over real HTTP. Resources and pipeline actions take 10 ms
/// unless the settings say otherwise. The admin helpers call the emulator's /_emulator endpoints.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    public static readonly IReadOnlyDictionary<string, string?> FastTimings = new Dictionary<string, string?>
    {
        ["Emulator:ResourceDelay"] = "00:00:00.010",
        ["Emulator:ActionDelay"] = "00:00:00.010",
        ["Emulator:ChangeSetDelay"] = "00:00:00.020",
    };

    private readonly WebApplication app;
    private readonly HttpClient admin;

    private EmulatorHost(WebApplication app, Uri baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
        admin = new HttpClient { BaseAddress = new Uri(baseUrl, AdminEndpoints.Prefix + "/") };
    }

    /// <summary>The AWS endpoint: what the portal's Aws:ServiceUrl (or an SDK's endpoint) points to.</summary>
    public Uri BaseUrl { get; }
    public IServiceProvider Services => app.Services;

    /// <param name="settings">Configuration on top of <see cref="FastTimings"/>, e.g. "Emulator:StatePath" or "Emulator:Seed:Listeners:0:ListenerArn".</param>
    public static async Task<EmulatorHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = EmulatorApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(FastTimings);
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EmulatorHost(app, new Uri(address));
    }

    public Task<FaultSettings> AddFaultsAsync(FaultSettings faults) => SendAsync<FaultSettings>(HttpMethod.Post, "faults", faults);

    public Task<FaultSettings> FaultsAsync() => SendAsync<FaultSettings>(HttpMethod.Get, "faults");

    public Task ClearFaultsAsync() => SendAndForgetAsync(HttpMethod.Delete, "faults");

    /// <summary>Changes the delays given (null ones stay).</summary>
    public Task<TimingSettings> SetTimingsAsync(TimingSettings timings) => SendAsync<TimingSettings>(HttpMethod.Put, "settings", timings);

    public Task SeedListenerAsync(SeedListener listener) => SendAndForgetAsync(HttpMethod.Post, "seed/listeners", listener);

    /// <summary>An ACM certificate in the emulator's account (its ARN is made when none is given); returns the ARN.</summary>
    public async Task<string> SeedCertificateAsync(Portal.AwsEmulator.CertificateManager.SeedCertificate certificate)
    {
        using var response = await SendAsync(HttpMethod.Post, "seed/certificates", certificate);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("certificateArn").GetString()!;
    }
    /// <summary>A bucket that exists outside any stack (e.g. the platform's artifact bucket), versioned unless told otherwise.</summary>
    public Task SeedBucketAsync(SeedBucket bucket) => SendAndForgetAsync(HttpMethod.Post, "seed/buckets", bucket);

    /// <summary>Sets how far the emulator's clock (the one it checks request signatures against) is from the real one.</summary>
    public Task<ClockSettings> SetClockSkewAsync(TimeSpan skew) => SendAsync<ClockSettings>(HttpMethod.Put, "clock", new ClockSettings(skew));

    public Task<StatsSnapshot> StatsAsync() => SendAsync<StatsSnapshot>(HttpMethod.Get, "stats");

    /// <summary>Forgets every stack, rule, secret and pipeline, the faults and the statistics; seeds the configured listeners again.</summary>
    public Task ResetAsync() => SendAndForgetAsync(HttpMethod.Post, "reset");

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsync(method, path, body);
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    private async Task SendAndForgetAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsync(method, path, body);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType()) };
        var response = await admin.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {AdminEndpoints.Prefix}/{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    public async ValueTask DisposeAsync()
    {
        admin.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
