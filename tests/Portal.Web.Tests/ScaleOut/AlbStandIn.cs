using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Web.Tests.ScaleOut;

/// <summary>The health of a registered target as an Application Load Balancer reports it (DescribeTargetHealth).</summary>
public enum TargetHealth { Initial, Healthy, Unhealthy }

/// <summary>A target group's health check: HealthCheckIntervalSeconds, HealthCheckTimeoutSeconds and the two thresholds.</summary>
public sealed record HealthCheckSettings(TimeSpan Interval, TimeSpan Timeout, int HealthyThreshold, int UnhealthyThreshold,
    string Path = "/health/ready");

/// <summary>
/// An HTTP load balancer on a loopback port in front of portal instances, routing as an AWS Application Load Balancer
/// routes to the targets of one target group (Elastic Load Balancing user guide: "Health checks for your target groups",
/// "Troubleshoot your Application Load Balancers"):
/// <list type="bullet">
/// <item>each target is probed on its own every <see cref="HealthCheckSettings.Interval"/> (GET of the health-check path on a
/// connection of its own, closed after it); a probe passes only with 200 (the default matcher) within the timeout;</item>
/// <item>a registered target takes requests after its first passing probe; a healthy one is taken out of service after
/// UnhealthyThreshold failing probes in a row and put back after HealthyThreshold passing ones;</item>
/// <item>each request goes to the next healthy target in turn (round robin); when none is healthy, to any of them (ALB
/// fails open);</item>
/// <item>a request is sent once, over kept-alive connections as ALB keeps them: a target that refuses or resets the
/// connection, or closes it before answering, gets the client a 502 from the load balancer, one that does not connect in
/// 10 s a 504. ALB does not try such a request on another target; it lists these among the causes of its 502 and 504.</item>
/// </list>
/// Targets are never deregistered here: an instance leaves service only by failing its health checks, as one restarted in
/// place (systemctl restart, docker restart) does. An Auto Scaling group or ECS replacing an instance deregisters it
/// first, and then ALB sends it no new request at once and waits up to the deregistration delay for those in flight.
/// </summary>
public sealed class AlbStandIn : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private readonly WebApplication app;
    private readonly IReadOnlyList<Target> targets;
    private readonly HealthCheckSettings healthCheck;
    private readonly HttpClient probes = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> probing = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int next;

    private AlbStandIn(WebApplication app, IReadOnlyList<Target> targets, HealthCheckSettings healthCheck)
    {
        this.app = app;
        this.targets = targets;
        this.healthCheck = healthCheck;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Registers the targets and starts probing them; they take requests once they pass a health check.</summary>
    public static async Task<AlbStandIn> StartAsync(HealthCheckSettings healthCheck, params Uri[] targets)
    {
        if (healthCheck.Timeout >= healthCheck.Interval)
            throw new ArgumentException("ALB requires the health check timeout to be shorter than its interval.", nameof(healthCheck));
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var balancer = new AlbStandIn(app, targets.Select(t => new Target(t)).ToList(), healthCheck);
        app.Run(balancer.ForwardAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        balancer.BaseUrl = new Uri(addresses.Addresses.First());
        foreach (var target in balancer.targets) balancer.probing.Add(Task.Run(() => balancer.ProbeAsync(target)));
        return balancer;
    }

    /// <summary>Requests sent to the target, and those answered by the load balancer itself (502/504) because it failed.</summary>
    public (int Forwarded, int Failed) CountsOf(Uri target) => (TargetAt(target).Forwarded, TargetAt(target).Failed);

    /// <summary>Waits until the target's health is <paramref name="health"/>; the time since the load balancer started when it became so.</summary>
    public async Task<TimeSpan> WaitForAsync(Uri target, TargetHealth health, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var watched = TargetAt(target);
        while (watched.Health != health)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Target {target} did not become {health} in {timeout.TotalSeconds:0.#} s; it is {watched.Health}.");
            await Task.Delay(20);
        }
        return watched.Since;
    }

    /// <summary>Time since the load balancer started (the clock of <see cref="WaitForAsync"/>).</summary>
    public TimeSpan Now => clock.Elapsed;

    private Target TargetAt(Uri address) => targets.Single(t => t.Address == address);

    private async Task ProbeAsync(Target target)
    {
        using var timer = new PeriodicTimer(healthCheck.Interval);
        try
        {
            do target.Record(await PassesAsync(target), healthCheck, clock.Elapsed);
            while (await timer.WaitForNextTickAsync(stopping.Token));
        }
        catch (OperationCanceledException)
        {
            // The load balancer stops.
        }
    }

    private async Task<bool> PassesAsync(Target target)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target.Address, healthCheck.Path));
        request.Headers.ConnectionClose = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        timeout.CancelAfter(healthCheck.Timeout);
        try
        {
            using var response = await probes.SendAsync(request, timeout.Token);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    private Target Choose()
    {
        var healthy = targets.Where(t => t.Health == TargetHealth.Healthy).ToList();
        var candidates = healthy.Count > 0 ? healthy : targets; // Fails open: all unhealthy, all take requests.
        return candidates[(int)((uint)Interlocked.Increment(ref next) % candidates.Count)];
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var target = Choose();
        target.Sent();
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method),
            new Uri(target.Address, context.Request.Path + context.Request.QueryString));
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            request.Content = new StreamContent(context.Request.Body);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString());
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", context.Request.Scheme);

        HttpResponseMessage response;
        try
        {
            response = await target.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            target.FailedOne();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            target.FailedOne();
            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            return;
        }
        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
            try
            {
                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // The target went away mid-answer: the client's connection is cut too, as ALB does.
                context.Abort();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await Task.WhenAll(probing);
        await app.StopAsync();
        await app.DisposeAsync();
        probes.Dispose();
        foreach (var target in targets) target.Client.Dispose();
        stopping.Dispose();
    }

    private sealed class Target(Uri address)
    {
        private readonly Lock gate = new();
        private int passes;
        private int failures;
        private int forwarded;
        private int failed;

        public Uri Address { get; } = address;

        /// <summary>The load balancer's connections to the target, kept alive between requests; idle ones closed after 60 s (ALB's
        /// idle timeout).</summary>
        public HttpClient Client { get; } = new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        })
        { Timeout = TimeSpan.FromSeconds(60) };

        public TargetHealth Health { get; private set; } = TargetHealth.Initial;

        /// <summary>When <see cref="Health"/> last changed, on the load balancer's clock.</summary>
        public TimeSpan Since { get; private set; }

        public int Forwarded => Volatile.Read(ref forwarded);
        public int Failed => Volatile.Read(ref failed);

        public void Sent() => Interlocked.Increment(ref forwarded);
        public void FailedOne() => Interlocked.Increment(ref failed);

        public void Record(bool passed, HealthCheckSettings settings, TimeSpan now)
        {
            lock (gate)
            {
                var health = Health;
                if (passed)
                {
                    (passes, failures) = (passes + 1, 0);
                    if (health == TargetHealth.Initial || (health == TargetHealth.Unhealthy && passes >= settings.HealthyThreshold))
                        health = TargetHealth.Healthy;
                }
                else
                {
                    (passes, failures) = (0, failures + 1);
                    if (health != TargetHealth.Unhealthy && failures >= settings.UnhealthyThreshold) health = TargetHealth.Unhealthy;
                }
                if (health == Health) return;
                (Health, Since) = (health, now);
            }
        }
    }
}
