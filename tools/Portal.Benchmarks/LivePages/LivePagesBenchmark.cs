using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Npgsql;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Web.Auth;

namespace Portal.Benchmarks.LivePages;

/// <summary>
/// What live pages cost: Postgres + the AWS emulator + the portal (its Release build, its own process, default
/// settings); N host pages open in headless Chromium. Prints the portal's memory and CPU and Postgres's transactions per
/// second idle (no page open, then N pages open while nothing changes), and how long a state change written to the
/// database takes to show on every open page. Goals: idle portal ≤ 5 tx/s, each idle open page ≤ 0.1 tx/s more, a change
/// on every page within 1 s (p99) at 100 pages.
/// </summary>
public sealed class LivePagesBenchmark : IBenchmark
{
    private const int DefaultPages = 20;
    private const int DefaultWindowSeconds = 30;
    private const int DefaultRounds = 5;
    private const int OpenInParallel = 4;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShowTimeout = TimeSpan.FromSeconds(30);

    public string Name => "live-pages";

    public string Description =>
        "portal RSS/CPU and Postgres tx/s idle with 0 and N host pages open, and change-to-every-page latency " +
        "(args: [pages=20] [--window s] [--rounds n]; goals ≤ 5 tx/s idle, ≤ 0.1 tx/s per page, p99 < 1 s at 100 pages)";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var pages = args.FirstOrDefault(a => int.TryParse(a, out _)) is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : DefaultPages;
        var window = TimeSpan.FromSeconds(Option(args, "--window", DefaultWindowSeconds));
        var rounds = Option(args, "--rounds", DefaultRounds);

        await using var postgres = await DurablePostgres.StartAsync();
        var database = await postgres.CreateDatabaseAsync("bench_live");
        var databaseName = new NpgsqlConnectionStringBuilder(database).Database!;
        await using var emulator = await EmulatorHost.StartAsync();
        await using var portal = await PortalProcess.StartAsync(database, new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = emulator.BaseUrl.ToString(),
        });
        var stats = new PostgresActivity(postgres.AdminConnectionString, databaseName);
        var process = new ProcessActivity(portal.ProcessId);
        var hosts = await SeedHostsAsync(database, pages, cancellationToken);
        Console.WriteLine($"portal pid {portal.ProcessId} at {portal.BaseUrl}; {pages} hosts of the demo customer, 3 environments each; " +
                          $"windows of {window.TotalSeconds:0} s");

        await Task.Delay(Settle, cancellationToken);
        var idle = await MeasureAsync(stats, process, window, cancellationToken);

        await using var context = await Portal.Tests.Support.Browser.NewContextAsync(portal.BaseUrl);
        context.SetDefaultTimeout(60_000);
        var opened = await OpenHostPagesAsync(context, hosts, cancellationToken);
        await Task.Delay(Settle, cancellationToken);
        var open = await MeasureAsync(stats, process, window, cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"{"",-28} {"tx/s",8} {"CPU %",8} {"RSS MB",8}");
        Print("no page open", idle);
        Print($"{pages} host pages open", open);
        var perPage = (open.TransactionsPerSecond - idle.TransactionsPerSecond) / pages;
        Console.WriteLine($"{"each open page adds",-28} {perPage,8:N3} tx/s");

        var all = await ChangeAllAsync(database, opened, hosts, process, rounds, cancellationToken);
        var one = await ChangeOneAsync(database, opened, hosts, rounds, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"{"state change → shown",-44} {"p50",8} {"p99",8} {"max",8}   (ms)");
        PrintLatency($"all {pages} hosts in one statement, every page", all);
        PrintLatency("one host, its page", one);
        var after = await MeasureAsync(stats, process, TimeSpan.FromSeconds(5), cancellationToken);
        Console.WriteLine($"after the changes: RSS {after.RssMegabytes:N0} MB");

        Console.WriteLine();
        Console.WriteLine($"goals: idle ≤ 5 tx/s: {Verdict(idle.TransactionsPerSecond <= 5)}; each page ≤ 0.1 tx/s: {Verdict(perPage <= 0.1)}; " +
                          $"p99 < 1000 ms: {Verdict(Percentile(all, 0.99) < 1000)}");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";

    private static void Print(string name, Activity activity) =>
        Console.WriteLine($"{name,-28} {activity.TransactionsPerSecond,8:N2} {activity.CpuPercent,8:N1} {activity.RssMegabytes,8:N0}");

    private static void PrintLatency(string name, List<double> latencies) =>
        Console.WriteLine($"{name,-44} {Percentile(latencies, 0.5),8:N0} {Percentile(latencies, 0.99),8:N0} {latencies.Max(),8:N0}   ({latencies.Count} samples)");

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(sorted.Count * p) - 1, 0, sorted.Count - 1)];
    }

    private static async Task<Activity> MeasureAsync(PostgresActivity stats, ProcessActivity process, TimeSpan window, CancellationToken cancellationToken)
    {
        var transactions = await stats.TransactionsAsync();
        var cpu = process.CpuTime();
        var watch = Stopwatch.StartNew();
        await Task.Delay(window, cancellationToken);
        // Backends report their counts when idle (at most every second in Postgres 15): let the last ones in.
        var elapsed = watch.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        var transactionsAfter = await stats.TransactionsAsync();
        return new Activity((transactionsAfter - transactions) / elapsed.TotalSeconds,
            (process.CpuTime() - cpu).TotalSeconds / elapsed.TotalSeconds * 100, process.RssMegabytes());
    }

    /// <summary>Active hosts of the demo customer (seeded by the portal in Development), written straight into the database.</summary>
    private static async Task<List<(Guid Id, string Name)>> SeedHostsAsync(string database, int count, CancellationToken cancellationToken)
    {
        await using var db = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(database).Options);
        var customer = await db.Customers.SingleAsync(c => c.Slug == "demo", cancellationToken);
        var hosts = Enumerable.Range(0, count).Select(i => new Host
        {
            CustomerId = customer.Id,
            Name = $"live-{i:D3}",
            Plan = "small",
            State = HostState.Active,
            GitLab = new GitLabProject { ProjectId = 9000 + i, PathWithNamespace = $"demo/live-{i:D3}", HttpUrl = $"https://gitlab.example.com/demo/live-{i:D3}.git" },
            Environments = [.. new[] { EnvironmentKind.Dev, EnvironmentKind.Staging, EnvironmentKind.Production }.Select(kind => new HostEnvironment
            {
                Kind = kind,
                Branch = kind == EnvironmentKind.Production ? "master" : EnvironmentNames.Of(kind),
                State = EnvironmentState.Active,
                PipelineName = $"demo-live-{i:D3}-{EnvironmentNames.Of(kind)}-software",
            })],
        }).ToList();
        db.Hosts.AddRange(hosts);
        await db.SaveChangesAsync(cancellationToken);
        return hosts.Select(h => (h.Id, h.Name)).ToList();
    }

    /// <summary>Signs in as the demo customer and opens one tab per host page, each waited for until its circuit is live.</summary>
    private static async Task<List<IPage>> OpenHostPagesAsync(IBrowserContext context, List<(Guid Id, string Name)> hosts, CancellationToken cancellationToken)
    {
        var signIn = await context.NewPageAsync();
        await signIn.GotoAsync("/account/login");
        await signIn.GetByTestId("email").FillAsync(DemoAccounts.CustomerEmail);
        await signIn.GetByTestId("password").FillAsync(DemoAccounts.CustomerPassword);
        await signIn.GetByTestId("sign-in").ClickAsync();
        await signIn.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await signIn.CloseAsync();

        var watch = Stopwatch.StartNew();
        var pages = new IPage[hosts.Count];
        using var gate = new SemaphoreSlim(OpenInParallel);
        await Task.WhenAll(hosts.Select(async (host, i) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync($"/hosts/{host.Name}");
                await page.Locator("[data-interactive=true]").WaitForAsync();
                await page.GetByTestId("environment-state-dev").WaitForAsync();
                pages[i] = page;
            }
            finally
            {
                gate.Release();
            }
        }));
        Console.WriteLine($"opened {hosts.Count} host pages (interactive) in {watch.Elapsed.TotalSeconds:N1} s");
        return [.. pages];
    }

    /// <summary>Rounds of one UPDATE flipping the dev environment of every host; each page notes when its chip shows the new state.</summary>
    private static async Task<List<double>> ChangeAllAsync(string database, List<IPage> pages, List<(Guid Id, string Name)> hosts,
        ProcessActivity portal, int rounds, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        // Round 0 warms up (the first re-read of each page compiles its code and grows the connection pool): printed, not counted.
        for (var round = 0; round <= rounds; round++)
        {
            var state = round % 2 == 0 ? EnvironmentState.Updating : EnvironmentState.Active;
            await Task.WhenAll(pages.Select(page => WatchAsync(page, Other(state), state)));
            var cpu = portal.CpuTime();
            var committedAt = await SetDevStateAsync(database, hosts.Select(h => h.Id).ToArray(), state, cancellationToken);
            var shown = new List<double>();
            foreach (var page in pages) shown.Add(await ShownAtAsync(page, cancellationToken) - committedAt);
            if (round > 0) latencies.AddRange(shown);
            var name = round == 0 ? "warm-up" : $"round {round}";
            Console.WriteLine($"  {name}: every page showed it within {shown.Max():N0} ms (median {Percentile(shown, 0.5):N0} ms); " +
                              $"the portal spent {(portal.CpuTime() - cpu).TotalMilliseconds:N0} ms of CPU");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
        if (rounds % 2 == 0) await SetDevStateAsync(database, hosts.Select(h => h.Id).ToArray(), EnvironmentState.Active, cancellationToken);
        return latencies;
    }

    /// <summary>Rounds of one host's change: only its page has anything to show.</summary>
    private static async Task<List<double>> ChangeOneAsync(string database, List<IPage> pages, List<(Guid Id, string Name)> hosts, int rounds,
        CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var i = round * 7 % pages.Count;
            await WatchAsync(pages[i], EnvironmentState.Active, EnvironmentState.Updating);
            var committedAt = await SetDevStateAsync(database, [hosts[i].Id], EnvironmentState.Updating, cancellationToken);
            latencies.Add(await ShownAtAsync(pages[i], cancellationToken) - committedAt);
            await SetDevStateAsync(database, [hosts[i].Id], EnvironmentState.Active, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
        return latencies;
    }

    /// <summary>Raw SQL, as any writer could: returns when the commit returned (Unix ms).</summary>
    private static async Task<double> SetDevStateAsync(string database, Guid[] hostIds, EnvironmentState state, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """UPDATE "HostEnvironments" SET "State" = @state, "UpdatedAt" = now() WHERE "Kind" = 'Dev' AND "HostId" = ANY(@hosts)""", connection);
        command.Parameters.AddWithValue("state", state.ToString());
        command.Parameters.AddWithValue("hosts", hostIds);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    private static EnvironmentState Other(EnvironmentState state) =>
        state == EnvironmentState.Active ? EnvironmentState.Updating : EnvironmentState.Active;

    /// <summary>
    /// Once the page shows <paramref name="before"/> (two changes in a row must not fold into none), makes it note, in the
    /// browser's clock (the same machine's), the moment its dev chip shows <paramref name="state"/>.
    /// </summary>
    private static async Task WatchAsync(IPage page, EnvironmentState before, EnvironmentState state)
    {
        await page.Locator($"[data-testid=environment-state-dev][data-state={before}]").WaitForAsync();
        await ArmAsync(page, state);
    }

    private static Task ArmAsync(IPage page, EnvironmentState state) => page.EvaluateAsync("""
        state => {
            window.__shownAt = null;
            const shown = () => document.querySelector('[data-testid="environment-state-dev"]')?.getAttribute('data-state') === state;
            const observer = new MutationObserver(() => {
                if (shown()) { window.__shownAt = Date.now(); observer.disconnect(); }
            });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
        }
        """, state.ToString());

    private static async Task<double> ShownAtAsync(IPage page, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ShowTimeout;
        while (true)
        {
            if (await page.EvaluateAsync<double?>("() => window.__shownAt") is { } at) return at;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{page.Url} did not show the change within {ShowTimeout.TotalSeconds:0} s.");
            await Task.Delay(50, cancellationToken);
        }
    }

    private sealed record Activity(double TransactionsPerSecond, double CpuPercent, double RssMegabytes);

    /// <summary>The portal database's commits and rollbacks (pg_stat_database), read from another database so reading costs it none.</summary>
    private sealed class PostgresActivity(string adminConnectionString, string database)
    {
        public async Task<long> TransactionsAsync()
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = @name", connection);
            command.Parameters.AddWithValue("name", database);
            return (long)(await command.ExecuteScalarAsync())!;
        }
    }

    /// <summary>The portal process's CPU time and resident memory, from /proc.</summary>
    private sealed class ProcessActivity(int pid)
    {
        private static readonly double TicksPerSecond = 100; // USER_HZ on Linux.

        public TimeSpan CpuTime()
        {
            // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }

        public double RssMegabytes()
        {
            var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
    }
}
