using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Data.Entities;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Templates;
using Portal.Tests.Support;

namespace Portal.Benchmarks;

/// <summary>
/// Many orders provisioned at once against the emulator with a realistic time per resource. First the emulator's own
/// minimum for the same work: the same stacks created directly, every order at once, infrastructure then software,
/// each watched with a tight DescribeStacks loop. Then the same orders through the portal (Postgres, Hangfire jobs,
/// default pacing). Prints both wall times, their ratio and the AWS calls the portal made per stack.
/// Usage: ./scripts/bench.sh provisioning [orders, default 500] [seconds per resource, default 1]
/// </summary>
public sealed class ProvisioningBenchmark : IBenchmark
{
    /// <summary>Environments per shared load balancer: each takes one rule and one target group of AWS's 100.</summary>
    private const int PerLoadBalancer = 100;

    private static string SharedListenerArn(int index) =>
        $"arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/portal-shared-{index}/0de{index:x13}/0de{index + 0x443:x13}";

    public string Name => "provisioning";

    public string Description => "500 orders at 1 s per resource: portal wall time vs the emulator's minimum (goal ≤ 1.3×), AWS calls per stack (goal ≤ 15)";

    private static readonly double[] PercentilePoints = [0.0, 0.5, 0.9, 1.0];

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var orders = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var perResource = TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1);
        // AWS allows 100 target groups per load balancer, so the platform has as many shared load balancers as the
        // orders need, as a real platform of this size would.
        var listeners = Enumerable.Range(0, (orders + PerLoadBalancer - 1) / PerLoadBalancer).Select(SharedListenerArn).ToList();
        var emulatorSettings = new Dictionary<string, string?> { ["Emulator:ResourceDelay"] = perResource.ToString("c", CultureInfo.InvariantCulture) };
        var portalSettings = new Dictionary<string, string?>();
        for (var i = 0; i < listeners.Count; i++)
        {
            emulatorSettings[$"Emulator:Seed:Listeners:{i}:ListenerArn"] = listeners[i];
            if (i > 0) portalSettings[$"Platform:MoreSharedListeners:{i - 1}:ListenerArn"] = listeners[i];
        }
        await using var emulator = await EmulatorHost.StartAsync(emulatorSettings);
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("bench");
        await using var portal = await PortalHost.StartAsync(connectionString, new Dictionary<string, string?>(portalSettings)
        {
            ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString(),
            ["Platform:SharedListenerArn"] = listeners[0],
            ["Jobs:RunServer"] = "true",
        });
        Console.WriteLine($"{orders} orders (dev environment: an infrastructure and a software stack each), {perResource.TotalSeconds:0.##} s per resource, {Environment.ProcessorCount} cores");

        var minimum = await DirectAsync(portal, orders, listeners, cancellationToken);
        Console.WriteLine($"emulator minimum (stacks created directly, all at once): {minimum.TotalSeconds:0.0} s");
        await emulator.ResetAsync();

        var watch = Stopwatch.StartNew();
        var hostIds = new List<Guid>();
        await using (var db = TestOrders.Database(connectionString))
        {
            var customer = new Customer { Name = "Bench", Slug = "bench" };
            db.Customers.Add(customer);
            for (var i = 0; i < orders; i++)
                db.Hosts.Add(new Host
                {
                    Customer = customer, Name = $"h{i}", Plan = "small", HealthCheckPath = "/health",
                    Environments = [new HostEnvironment { Kind = EnvironmentKind.Dev, Branch = "dev" }],
                });
            await db.SaveChangesAsync(cancellationToken);
            hostIds.AddRange(db.Hosts.Local.Select(h => h.Id));
        }
        // As the order service does right after saving each order, the orders arriving together.
        await Parallel.ForEachAsync(hostIds, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (hostId, token) =>
            await portal.WithScopeAsync(s => s.GetRequiredService<HostOperations>().StartProvisioningAsync(hostId, token)));
        await using (var db = TestOrders.Database(connectionString))
        {
            while (true)
            {
                var states = await db.Hosts.GroupBy(h => h.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
                if (states.Sum(s => s.Key is HostState.Active or HostState.Failed ? s.Count : 0) == orders) break;
                await Task.Delay(250, cancellationToken);
            }
            var failed = await db.Hosts.CountAsync(h => h.State == HostState.Failed, cancellationToken);
            if (failed > 0) Console.WriteLine($"FAILED orders: {failed}");
        }
        var wall = watch.Elapsed;
        await PrintTimelineAsync(connectionString, DateTimeOffset.UtcNow - wall, cancellationToken);
        var stats = await emulator.StatsAsync();
        var stacks = orders * 2;
        var byService = stats.Operations.GroupBy(o => o.Key.Split(':')[0]).Select(g => $"{g.Key} {g.Sum(o => o.Value)}");
        Console.WriteLine($"portal: {wall.TotalSeconds:0.0} s for {orders} orders = {wall / minimum:0.00}× the minimum (goal ≤ 1.3×)");
        Console.WriteLine($"AWS calls: {stats.Total} for {stacks} stacks = {(double)stats.Total / stacks:0.0} per stack (goal ≤ 15); {string.Join(", ", byService)}");
        foreach (var (operation, count) in stats.Operations.OrderByDescending(o => o.Value))
            Console.WriteLine($"  {operation,-45} {count,8} ({(double)count / stacks:0.00} per stack)");
    }

    /// <summary>When, after the orders, the stacks started and the hosts became Active: where the time went.</summary>
    private static async Task PrintTimelineAsync(string connectionString, DateTimeOffset start, CancellationToken cancellationToken)
    {
        await using var db = TestOrders.Database(connectionString);
        var active = (await db.Hosts.Select(h => h.UpdatedAt).ToListAsync(cancellationToken)).Select(t => (t - start).TotalSeconds).Order().ToList();
        var stacks = await db.StackEvents.Where(e => e.LogicalResourceId == e.StackName)
            .GroupBy(e => e.StackName)
            .Select(g => new { Name = g.Key, Start = g.Min(e => e.Timestamp), End = g.Max(e => e.Timestamp) })
            .ToListAsync(cancellationToken);
        static string Percentiles(IReadOnlyList<double> values) => values.Count == 0 ? "-" :
            string.Join(" ", PercentilePoints.Select(q => $"p{q * 100:0}={values[(int)Math.Min(values.Count - 1, q * values.Count)]:0.0}s"));
        var infraStart = stacks.Where(s => s.Name.EndsWith("-infra", StringComparison.Ordinal)).Select(s => (s.Start - start).TotalSeconds).Order().ToList();
        var appStart = stacks.Where(s => s.Name.EndsWith("-app", StringComparison.Ordinal)).Select(s => (s.Start - start).TotalSeconds).Order().ToList();
        var infraTook = stacks.Where(s => s.Name.EndsWith("-infra", StringComparison.Ordinal)).Select(s => (s.End - s.Start).TotalSeconds).Order().ToList();
        var appTook = stacks.Where(s => s.Name.EndsWith("-app", StringComparison.Ordinal)).Select(s => (s.End - s.Start).TotalSeconds).Order().ToList();
        Console.WriteLine($"infrastructure stacks started: {Percentiles(infraStart)}; took {Percentiles(infraTook)}");
        Console.WriteLine($"software stacks started:       {Percentiles(appStart)}; took {Percentiles(appTook)}");
        Console.WriteLine($"hosts Active:                  {Percentiles(active)}");
    }

    /// <summary>The same stacks without the portal: every order at once, infrastructure then software, watched every 50 ms.</summary>
    private static async Task<TimeSpan> DirectAsync(PortalHost portal, int orders, IReadOnlyList<string> listeners, CancellationToken cancellationToken)
    {
        var renderer = portal.Services.GetRequiredService<HostStackRenderer>();
        var cloudFormation = portal.Services.GetRequiredService<ICloudFormation>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, orders).Select(async i =>
        {
            var host = new Host { Name = $"d{i}", Plan = "small", HealthCheckPath = "/health" };
            var environment = new HostEnvironment { Kind = EnvironmentKind.Dev, Branch = "dev", Host = host, ListenerArn = listeners[i / PerLoadBalancer] };
            var order = new HostEnvironmentOrder("direct", host, environment);
            await CreateAndWaitAsync(cloudFormation, renderer.RenderInfrastructure(order), cancellationToken);
            await CreateAndWaitAsync(cloudFormation, renderer.RenderSoftware(order, i % PerLoadBalancer + 1), cancellationToken);
        }));
        return watch.Elapsed;
    }

    private static async Task CreateAndWaitAsync(ICloudFormation cloudFormation, RenderedStack stack, CancellationToken cancellationToken)
    {
        var id = await cloudFormation.CreateStackAsync(new CreateStackRequest(stack.StackName, stack.TemplateBody)
        {
            Parameters = stack.Parameters.Select(p => new StackInputParameter(p.Key, p.Value)).ToList(),
            Capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        }, cancellationToken);
        while ((await cloudFormation.DescribeStackAsync(id, cancellationToken))!.InProgress)
            await Task.Delay(50, cancellationToken);
    }
}
