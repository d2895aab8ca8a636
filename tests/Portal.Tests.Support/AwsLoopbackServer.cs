using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Support;

/// <summary>One request as it arrived: method, path, headers in arrival order, raw body.</summary>
public sealed record CapturedRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The Query protocol's form fields (decoded), or empty for other bodies.</summary>
    public IReadOnlyDictionary<string, string> Form =>
        (Header("Content-Type") ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            ? DecodeForm(BodyText)
            : new Dictionary<string, string>();

    /// <summary>"CreateStack" from the form's Action, or "StartPipelineExecution" from X-Amz-Target.</summary>
    public string Operation =>
        Header("X-Amz-Target") is { } target ? target[(target.IndexOf('.') + 1)..] : Form.GetValueOrDefault("Action", "");

    /// <summary>The SigV4 credential scope's service ("cloudformation", "codepipeline"...).</summary>
    public string SigningService => CredentialScope().Split('/') is { Length: >= 4 } parts ? parts[3] : "";

    public string SigningRegion => CredentialScope().Split('/') is { Length: >= 3 } parts ? parts[2] : "";

    private string CredentialScope()
    {
        var authorization = Header("Authorization") ?? "";
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (start < 0) return "";
        start += "Credential=".Length;
        var end = authorization.IndexOf(',', start);
        return end < 0 ? authorization[start..] : authorization[start..end];
    }

    public static Dictionary<string, string> DecodeForm(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? "" : part[(equals + 1)..];
            fields[Uri.UnescapeDataString(name.Replace('+', ' '))] = Uri.UnescapeDataString(value.Replace('+', ' '));
        }
        return fields;
    }
}

/// <summary>An answer to send back: status, content type, body and extra headers (e.g. x-amzn-RequestId).</summary>
public sealed record CannedResponse(int StatusCode, string ContentType, string Body, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A tiny HTTP server on a free loopback port standing in for an AWS endpoint: records every request and answers what
/// the given function returns. Used by the wire-compatibility, retry and parsing tests and by the client benchmark.
/// </summary>
public sealed class AwsLoopbackServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<CapturedRequest> requests = new();

    private AwsLoopbackServer(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    public Uri Url { get; }

    public IReadOnlyList<CapturedRequest> Requests => requests.ToArray();

    public void Clear() => requests.Clear();

    public static async Task<AwsLoopbackServer> StartAsync(Func<CapturedRequest, CannedResponse> respond, bool record = true)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        AwsLoopbackServer? server = null;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))).ToList();
            var request = new CapturedRequest(context.Request.Method, context.Request.Path.Value ?? "/", headers, body.ToArray());
            if (record) server!.requests.Enqueue(request);
            var answer = respond(request);
            context.Response.StatusCode = answer.StatusCode;
            context.Response.ContentType = answer.ContentType;
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
                context.Response.Headers[name] = value;
            await context.Response.WriteAsync(answer.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server = new AwsLoopbackServer(app, new Uri(address));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
