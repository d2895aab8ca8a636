using System.Diagnostics;
using System.Globalization;
using Portal.Aws.Protocol;
using Portal.Tests.Support;

namespace Portal.Benchmarks;

/// <summary>
/// Requests per second the AWS emulator answers to DescribeStacks (one stack by name, and the list of all stacks)
/// with stacks present, from several concurrent clients over real HTTP.
/// Arguments: [stacks=50] [seconds=5] (per client count).
/// </summary>
public sealed class EmulatorThroughputBenchmark : IBenchmark
{
    private const string Template = """
        Parameters:
          Env: { Type: String, Default: dev }
        Resources:
          Topic: { Type: AWS::SNS::Topic, Properties: { DisplayName: !Sub "${AWS::StackName}-${Env}" } }
          Queue: { Type: AWS::SNS::Topic, DependsOn: Topic }
        Outputs:
          Topic: { Value: !Ref Topic }
          Queue: { Value: !Ref Queue }
        """;

    public string Name => "emulator-describe-stacks";
    public string Description => "AWS emulator: DescribeStacks requests/s with stacks present, 1-32 concurrent clients";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var stackCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        var duration = TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5);
        await using var emulator = await EmulatorHost.StartAsync(new Dictionary<string, string?> { ["Emulator:ResourceDelay"] = "00:00:00" });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = emulator.BaseUrl };

        for (var i = 0; i < stackCount; i++)
            await SendAsync(http, [new("Action", "CreateStack"), new("StackName", $"bench-{i}"), new("TemplateBody", Template)], cancellationToken);
        await WaitForStacksAsync(http, stackCount, cancellationToken);
        Console.WriteLine($"{stackCount} stacks (2 resources, 2 outputs each), {duration.TotalSeconds:0} s per run, Release: {!typeof(EmulatorThroughputBenchmark).Assembly.IsDebugBuild()}");
        Console.WriteLine($"{"request",-26} {"clients",7} {"requests/s",11} {"p50 ms",8} {"p99 ms",8}");

        foreach (var (label, fields) in new (string, KeyValuePair<string, string>[])[]
        {
            ("DescribeStacks one", [new("Action", "DescribeStacks"), new("StackName", "bench-7")]),
            ($"DescribeStacks all ({stackCount})", [new("Action", "DescribeStacks")]),
        })
        {
            foreach (var clients in new[] { 1, 4, 16, 32 })
            {
                var (count, latencies) = await MeasureAsync(http, fields, clients, duration, cancellationToken);
                Console.WriteLine($"{label,-26} {clients,7} {count / duration.TotalSeconds,11:0} {Percentile(latencies, 0.50),8:0.00} {Percentile(latencies, 0.99),8:0.00}");
            }
        }
    }

    private static async Task<(int Count, List<double> Latencies)> MeasureAsync(HttpClient http, KeyValuePair<string, string>[] fields, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        await SendAsync(http, fields, cancellationToken);
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                await SendAsync(http, fields, cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return latencies;
        }, cancellationToken)).ToList();
        var all = (await Task.WhenAll(workers)).SelectMany(l => l).ToList();
        return (all.Count, all);
    }

    private static async Task WaitForStacksAsync(HttpClient http, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var body = await SendAsync(http, [new("Action", "DescribeStacks")], cancellationToken);
            var complete = body.Split("<StackStatus>CREATE_COMPLETE</StackStatus>").Length - 1;
            if (complete >= Math.Min(count, 100)) return;
            await Task.Delay(50, cancellationToken);
        }
    }

    private static readonly AwsCredentials Credentials = new("AKIDBENCH", "bench-secret");

    /// <summary>A request signed as the SDKs sign it (SigV4 with X-Amz-Date): the emulator refuses unsigned ones as AWS does.</summary>
    private static async Task<string> SendAsync(HttpClient http, KeyValuePair<string, string>[] fields, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent([.. fields, new("Version", "2010-05-15")]);
        var body = await content.ReadAsStringAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var amzDate = SigV4Signer.FormatAmzDate(now);
        var signature = SigV4Signer.Sign(new SigV4Request("POST", "/", "",
            [new("host", http.BaseAddress!.Authority), new("x-amz-date", amzDate)], SigV4Signer.HexSha256(body)),
            Credentials, "eu-west-1", "cloudformation", now);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? answer : throw new InvalidOperationException($"{(int)response.StatusCode}: {answer}");
    }

    private static double Percentile(List<double> values, double percentile)
    {
        if (values.Count == 0) return 0;
        values.Sort();
        return values[(int)Math.Min(values.Count - 1, Math.Floor(percentile * values.Count))];
    }
}

internal static class AssemblyBuild
{
    public static bool IsDebugBuild(this System.Reflection.Assembly assembly) =>
        assembly.GetCustomAttributes(false).OfType<DebuggableAttribute>().Any(d => d.IsJITTrackingEnabled);
}
