using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.GitLabStandIn.Tests.Support;

public sealed record ReceivedHook(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

/// <summary>A webhook receiver on a loopback port: records every request and answers with the status the test sets.</summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Channel<ReceivedHook> received = Channel.CreateUnbounded<ReceivedHook>();

    private HookReceiver(WebApplication app) => this.app = app;

    public int Status { get; set; } = 200;
    public string Url { get; private set; } = "";

    public static async Task<HookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new HookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.received.Writer.TryWrite(new ReceivedHook(http.Request.Path.Value ?? "", headers, body));
            http.Response.StatusCode = receiver.Status;
            await http.Response.WriteAsync($"answered {receiver.Status}");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = address + "/hooks/gitlab";
        return receiver;
    }

    public async Task<ReceivedHook> NextAsync(int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no webhook arrived within {seconds} s");
        }
    }

    /// <summary>Asserts that nothing arrives for a while (e.g. a filtered or disabled hook).</summary>
    public async Task AssertNoneAsync(int milliseconds = 1500)
    {
        await Task.Delay(milliseconds);
        Assert.False(received.Reader.TryRead(out var hook), $"unexpected webhook: {hook?.Body}");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
