using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.Protocol;
using Portal.Tests.Support;

namespace Portal.Benchmarks;

/// <summary>
/// What the portal's AWS client costs per call (serialize + sign + parse) on top of the HTTP round trip: the C# client
/// against a loopback server answering AWS's sample response, compared with a raw HttpClient POST of the same body to
/// the same server; then the client alone with the socket replaced by an in-memory answer, and SigV4 signing alone.
/// Usage: ./scripts/bench.sh aws-client-overhead [calls per measurement, default 5000]
/// </summary>
public sealed class AwsClientOverheadBenchmark : IBenchmark
{
    public string Name => "aws-client-overhead";

    public string Description => "C# AWS client overhead per call (serialize + sign + parse) vs raw HttpClient, µs and bytes allocated";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
        var describeStacks = AwsSamples.Success("cloudformation", "DescribeStacks");
        var pipelineState = AwsSamples.Success("codepipeline", "GetPipelineState");
        Console.WriteLine($"{calls} sequential calls per line in {Rounds} rounds after {calls / 10} warm-up calls; µs/call of the fastest round, " +
            "KB/call allocated by the whole process (server included on loopback: the overhead line subtracts it).");

        await using var server = await AwsLoopbackServer.StartAsync(
            request => request.Header("X-Amz-Target") is null ? describeStacks : pipelineState, record: false);
        using (var loopback = Clients(server.Url, inMemoryAnswers: null))
        using (var raw = new HttpClient { BaseAddress = server.Url })
        {
            var describeBody = Encoding.UTF8.GetBytes(new QueryForm("DescribeStacks", CloudFormationClient.ApiVersion).Add("StackName", "MyStack").ToBody());
            var stateBody = Encoding.UTF8.GetBytes("""{"name":"MyFirstPipeline"}""");

            var rawQuery = await MeasureAsync(calls, () => RawPostAsync(raw, describeBody, QueryProtocol.ContentType, null, cancellationToken));
            var clientQuery = await MeasureAsync(calls, () => loopback.GetRequiredService<ICloudFormation>().DescribeStacksAsync("MyStack", cancellationToken: cancellationToken));
            var rawJson = await MeasureAsync(calls, () => RawPostAsync(raw, stateBody, JsonProtocol.ContentType, "CodePipeline_20150709.GetPipelineState", cancellationToken));
            var clientJson = await MeasureAsync(calls, () => loopback.GetRequiredService<IPipelines>().GetStateAsync("MyFirstPipeline", cancellationToken));

            Print("loopback", "raw HttpClient POST", "DescribeStacks", rawQuery);
            Print("loopback", "C# client", "DescribeStacks", clientQuery);
            Print("loopback", "client overhead", "DescribeStacks", clientQuery - rawQuery);
            Print("loopback", "raw HttpClient POST", "GetPipelineState", rawJson);
            Print("loopback", "C# client", "GetPipelineState", clientJson);
            Print("loopback", "client overhead", "GetPipelineState", clientJson - rawJson);
        }

        using (var inMemory = Clients(new Uri("http://127.0.0.1:9/"), request => request.Headers.Contains("X-Amz-Target") ? pipelineState : describeStacks))
        {
            Print("in-memory", "C# client, no socket", "DescribeStacks",
                await MeasureAsync(calls, () => inMemory.GetRequiredService<ICloudFormation>().DescribeStacksAsync("MyStack", cancellationToken: cancellationToken)));
            Print("in-memory", "C# client, no socket", "GetPipelineState",
                await MeasureAsync(calls, () => inMemory.GetRequiredService<IPipelines>().GetStateAsync("MyFirstPipeline", cancellationToken)));
        }

        var signing = new SigV4Request("POST", "/", "",
            [new("host", "cloudformation.eu-central-1.amazonaws.com"), new("content-type", QueryProtocol.ContentType), new("x-amz-date", "20250101T000000Z")],
            SigV4Signer.HexSha256("Action=DescribeStacks&Version=2010-05-15&StackName=MyStack"));
        var credentials = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        Print("cpu", "SigV4 signing only", "DescribeStacks", await MeasureAsync(calls, () =>
        {
            SigV4Signer.Sign(signing, credentials, "eu-central-1", "cloudformation", DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        }));
    }

    private static ServiceProvider Clients(Uri endpoint, Func<HttpRequestMessage, CannedResponse>? inMemoryAnswers)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = endpoint.ToString(),
            ["Aws:Region"] = "eu-central-1",
            ["Aws:MaxAttempts"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IAwsCredentialSource>(new StaticCredentialSource(StaticCredentialSource.Dummy));
        services.AddPortalAws(configuration);
        if (inMemoryAnswers is not null)
            services.AddHttpClient(AwsRequestSender.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new CannedHandler(inMemoryAnswers));
        return services.BuildServiceProvider();
    }

    private static async Task RawPostAsync(HttpClient client, byte[] body, string contentType, string? target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (target is not null) request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        using var response = await client.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private readonly record struct Figures(double MicrosecondsPerCall, double BytesPerCall)
    {
        public static Figures operator -(Figures a, Figures b) => new(a.MicrosecondsPerCall - b.MicrosecondsPerCall, a.BytesPerCall - b.BytesPerCall);
    }

    private const int Rounds = 5;

    /// <summary>Time: the fastest of <see cref="Rounds"/> rounds (other processes share the machine); allocations: the mean.</summary>
    private static async Task<Figures> MeasureAsync(int calls, Func<Task> call)
    {
        for (var i = 0; i < Math.Max(1, calls / 10); i++) await call();
        var perRound = Math.Max(1, calls / Rounds);
        var best = double.MaxValue;
        long allocated = 0;
        for (var round = 0; round < Rounds; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < perRound; i++) await call();
            watch.Stop();
            allocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            best = Math.Min(best, watch.Elapsed.TotalMicroseconds / perRound);
        }
        return new Figures(best, (double)allocated / (perRound * Rounds));
    }

    private static void Print(string setting, string what, string operation, Figures figures) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{setting,-10} {what,-22} {operation,-17} {figures.MicrosecondsPerCall,9:0.0} µs/call {figures.BytesPerCall / 1024,9:0.0} KB/call"));

    /// <summary>Answers without a socket, so only the client's own work is measured.</summary>
    private sealed class CannedHandler(Func<HttpRequestMessage, CannedResponse> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var canned = answer(request);
            var response = new HttpResponseMessage((HttpStatusCode)canned.StatusCode) { Content = new StringContent(canned.Body, Encoding.UTF8, canned.ContentType) };
            return Task.FromResult(response);
        }
    }
}
