using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Releases.Approvals;
using Portal.Tests.Support;
using Portal.Web.Operations;

namespace Portal.Benchmarks.Operations;

/// <summary>
/// The operators' overview and pending approvals with 10,000 hosts and 1,000 releases waiting for approval: the time
/// of the services behind the pages, and of the pages themselves as the server renders them (Blazor's prerender: an
/// HTTP GET with an operator's cookie returns the page with its data). Goal: under 300 ms per page.
/// </summary>
public sealed partial class OperationsPagesBenchmark : IBenchmark
{
    private const int Hosts = 10_000;
    private const int Customers = 500;
    private const int PendingApprovals = 1_000;
    private const int FinishedReleases = 20_000;
    private const int AuditEntries = 100_000;
    private const int Warmup = 5;
    private const int Runs = 30;
    private const double GoalMs = 300;
    private const string Password = "Bench#Operator1";

    public string Name => "operations-pages";
    public string Description => $"server-side render of the operations overview and approvals with {Hosts:N0} hosts and {PendingApprovals:N0} pending approvals (goal < {GoalMs} ms)";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("bench-ops");
        await using var portal = await PortalHost.StartAsync(connectionString, new Dictionary<string, string?>
        {
            // Nothing runs in the background: the figures are the pages' alone.
            ["Jobs:RunServer"] = "false",
            ["Releases:StartWorkers"] = "0",
            ["Aws:ServiceUrl"] = "http://127.0.0.1:9",
        });
        var seeding = Stopwatch.StartNew();
        var operatorUser = await portal.CreateUserAsync(PortalRoles.Operator, "bench-operator@ops.example", Password);
        await SeedAsync(portal, operatorUser.Id, cancellationToken);
        Console.WriteLine($"seeded {Hosts:N0} hosts of {Customers} customers (3 environments each), {PendingApprovals:N0} releases waiting for approval " +
                          $"(3 stages each, a third with one approval), {FinishedReleases:N0} finished releases, {AuditEntries:N0} audit entries in {seeding.Elapsed.TotalSeconds:N1} s");

        using var browser = await SignInAsync(portal, operatorUser.Email!, cancellationToken);
        var results = new List<(string Name, double Median)>();
        Console.WriteLine();
        Console.WriteLine($"{"case",-44} {"min",8} {"median",8} {"p95",8} {"max",8}   (ms, {Runs} runs after {Warmup} warm-up)");

        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var overview = scope.ServiceProvider.GetRequiredService<OperationsOverview>();
            var pending = scope.ServiceProvider.GetRequiredService<Portal.Releases.Approvals.PendingApprovals>();
            var fleet = scope.ServiceProvider.GetRequiredService<FleetQueries>();
            var audit = scope.ServiceProvider.GetRequiredService<AuditQueries>();
            results.Add(await MeasureAsync("service: overview", () => overview.GetAsync(cancellationToken)));
            results.Add(await MeasureAsync("service: approvals, page 1", () => pending.ListAsync(operatorUser.Id, 1, 25, cancellationToken)));
            results.Add(await MeasureAsync("service: approvals, page 20", () => pending.ListAsync(operatorUser.Id, 20, 25, cancellationToken)));
            results.Add(await MeasureAsync("service: approvals, last page", () => pending.ListAsync(operatorUser.Id, PendingApprovals / 25, 25, cancellationToken)));
            results.Add(await MeasureAsync("service: fleet, page 1", () => fleet.HostsAsync(new FleetQuery(), cancellationToken)));
            results.Add(await MeasureAsync("service: fleet, failing, customer text", () => fleet.HostsAsync(new FleetQuery(Customer: "cust-01", Failing: true), cancellationToken)));
            results.Add(await MeasureAsync("service: audit, page 1", () => audit.ListAsync(new AuditQuery(), 1, 50, cancellationToken)));
            results.Add(await MeasureAsync("service: audit, action + host text", () => audit.ListAsync(new AuditQuery(Action: "release.", Host: "host-00"), 1, 50, cancellationToken)));
        }

        // The pages as a browser receives them before the circuit starts: the server-side render with the data.
        var overviewPage = await GetAsync(browser, "/operations", cancellationToken);
        Check(overviewPage, "data-testid=\"pending-approvals-count\"", $">{PendingApprovals}<", "overview-approval");
        var approvalsPage = await GetAsync(browser, "/operations/approvals", cancellationToken);
        Check(approvalsPage, $"{PendingApprovals} waiting", "data-testid=\"approval\"", "data-testid=\"stage\"");
        Console.WriteLine($"{"",-44} overview {overviewPage.Length / 1024} KB, approvals page {approvalsPage.Length / 1024} KB of HTML");
        results.Add(await MeasureAsync("HTTP: GET /operations", () => GetAsync(browser, "/operations", cancellationToken)));
        results.Add(await MeasureAsync("HTTP: GET /operations/approvals", () => GetAsync(browser, "/operations/approvals", cancellationToken)));
        results.Add(await MeasureAsync("HTTP: GET /operations/approvals?page=20", () => GetAsync(browser, "/operations/approvals?page=20", cancellationToken)));
        results.Add(await MeasureAsync("HTTP: GET /api/v1/operations/approvals", () => GetAsync(browser, "/api/v1/operations/approvals", cancellationToken)));

        var pages = results.Where(r => r.Name.StartsWith("HTTP: GET /operations", StringComparison.Ordinal)).ToList();
        var worst = pages.Max(r => r.Median);
        Console.WriteLine();
        Console.WriteLine($"worst page median {worst:N1} ms — goal < {GoalMs} ms per page: {(worst < GoalMs ? "met" : "NOT met")}");
    }

    private static async Task<(string, double)> MeasureAsync<T>(string name, Func<Task<T>> run)
    {
        for (var i = 0; i < Warmup; i++) await run();
        var timings = new List<double>(Runs);
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            timings.Add(watch.Elapsed.TotalMilliseconds);
        }
        timings.Sort();
        var median = timings[timings.Count / 2];
        Console.WriteLine($"{name,-44} {timings[0],8:N1} {median,8:N1} {timings[(int)Math.Ceiling(timings.Count * 0.95) - 1],8:N1} {timings[^1],8:N1}");
        return (name, median);
    }

    private static async Task<string> GetAsync(HttpClient browser, string path, CancellationToken cancellationToken)
    {
        using var response = await browser.GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
        return body;
    }

    /// <summary>The prerendered HTML must hold the data, or the figures would time an empty page.</summary>
    private static void Check(string html, params string[] expected)
    {
        foreach (var text in expected)
            if (!html.Contains(text, StringComparison.Ordinal))
                throw new InvalidOperationException($"The prerendered page lacks '{text}'.");
    }

    /// <summary>Signs in through the sign-in form, as a browser does; the client keeps the cookie.</summary>
    private static async Task<HttpClient> SignInAsync(PortalHost portal, string email, CancellationToken cancellationToken)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = portal.BaseUrl };
        var form = await client.GetStringAsync("/account/login", cancellationToken);
        var token = AntiforgeryField().Match(form) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("No antiforgery token on the sign-in page.");
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Input.Email"] = email,
            ["Input.Password"] = Password,
        }), cancellationToken);
        if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
            throw new InvalidOperationException($"Signing in answered {(int)response.StatusCode}.");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static async Task SeedAsync(PortalHost portal, Guid operatorId, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var customerIds = new List<Guid>();
        await portal.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            for (var c = 0; c < Customers; c++)
            {
                var customer = new Customer { Name = $"Customer {c:D3}", Slug = $"cust-{c:D3}" };
                db.Customers.Add(customer);
                customerIds.Add(customer.Id);
            }
            return await db.SaveChangesAsync(cancellationToken);
        });

        var hostStates = new[] { HostState.Active, HostState.Active, HostState.Active, HostState.Active, HostState.Updating, HostState.Provisioning, HostState.Failed, HostState.Decommissioned };
        const int batch = 1_000;
        var waitingLeft = PendingApprovals;
        var finishedLeft = FinishedReleases;
        for (var start = 0; start < Hosts; start += batch)
        {
            await portal.WithScopeAsync(async services =>
            {
                var db = services.GetRequiredService<PortalDbContext>();
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                for (var i = start; i < Math.Min(Hosts, start + batch); i++)
                {
                    var state = hostStates[i % hostStates.Length];
                    var host = new Host
                    {
                        CustomerId = customerIds[i % Customers],
                        Name = $"host-{i:D5}",
                        Plan = "small",
                        GitLab = new GitLabProject { PathWithNamespace = $"team-{i % 50}/app-{i}", HttpUrl = $"https://gitlab.example.com/team-{i % 50}/app-{i}.git" },
                        State = state,
                        StateReason = state == HostState.Failed ? "production: AWS refused cloudformation: ValidationError: bench" : null,
                        WebhookTokenHash = new string('0', 64),
                        CreatedAt = now.AddMinutes(-i),
                        UpdatedAt = now.AddMinutes(-i),
                    };
                    foreach (var kind in new[] { EnvironmentKind.Dev, EnvironmentKind.Staging, EnvironmentKind.Production })
                        host.Environments.Add(new HostEnvironment
                        {
                            Kind = kind, Branch = kind == EnvironmentKind.Production ? "master" : EnvironmentNames.Of(kind),
                            State = state == HostState.Failed && kind == EnvironmentKind.Production ? EnvironmentState.Failed : EnvironmentState.Active,
                            StateReason = state == HostState.Failed && kind == EnvironmentKind.Production ? "AWS refused cloudformation: ValidationError: bench" : null,
                            PipelineName = $"cust-{i % Customers:D3}-host-{i:D5}-{EnvironmentNames.Of(kind)}-software",
                            RequiresApproval = kind == EnvironmentKind.Staging && i % 3 == 0,
                        });
                    // Two finished releases per host, and one waiting for approval on every tenth host.
                    for (var r = 0; r < 2 && finishedLeft > 0; r++, finishedLeft--)
                        host.Environments[r].Releases.Add(Release(i, r, now, ReleaseState.Succeeded));
                    if (i % (Hosts / PendingApprovals) == 0 && waitingLeft > 0)
                    {
                        waitingLeft--;
                        var waiting = Release(i, 9, now, ReleaseState.WaitingForApproval);
                        waiting.PipelineExecutionId = Guid.NewGuid().ToString();
                        waiting.PendingApprovalStage = "Approval";
                        waiting.PendingApprovalAction = $"cust-{i % Customers:D3}-approve";
                        waiting.PendingApprovalToken = Guid.NewGuid().ToString();
                        waiting.WaitingSince = now.AddSeconds(-i);
                        waiting.Stages =
                        [
                            new ReleaseStage { Name = "Source", Order = 0, Status = "Succeeded", LastChangedAt = now },
                            new ReleaseStage { Name = "Build", Order = 1, Status = "Succeeded", Summary = "Build succeeded", LastChangedAt = now },
                            new ReleaseStage { Name = "Approval", Order = 2, Status = "InProgress", LastChangedAt = now },
                        ];
                        if (i % 3 == 0)
                            waiting.Decisions.Add(new ApprovalDecision
                            {
                                OperatorId = operatorId, Outcome = ApprovalOutcome.Approved, Comment = "first approval",
                                ApprovalTokenHash = ApprovalRules.TokenHash(waiting.PendingApprovalToken), DecidedAt = now,
                            });
                        host.Environments[2].Releases.Add(waiting);
                    }
                    db.Hosts.Add(host);
                }
                return await db.SaveChangesAsync(cancellationToken);
            });
        }

        await portal.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            await db.Database.ExecuteSqlRawAsync($"""
                INSERT INTO "AuditEntries" ("At", "ActorId", "ActorName", "CustomerId", "HostId", "Action", "Details")
                SELECT now() - make_interval(secs => g), NULL, 'op' || (g % 7) || '@ops.example', h."CustomerId", h."Id",
                       (ARRAY['release.approved','release.rejected','host.retry','environment.provisioned','release.approval-recorded'])[1 + g % 5],
                       'bench entry ' || g
                FROM generate_series(1, {AuditEntries}) AS g
                JOIN (SELECT "Id", "CustomerId", row_number() OVER (ORDER BY "Id") AS n FROM "Hosts") AS h ON h.n = 1 + g % {Hosts}
                """, cancellationToken);
            return await db.Database.ExecuteSqlRawAsync("ANALYZE", cancellationToken);
        });
    }

    private static Release Release(int host, int index, DateTimeOffset now, ReleaseState state) => new()
    {
        CommitId = $"{host:x8}{index:x8}".PadRight(40, 'a'),
        Branch = index == 9 ? "master" : "dev",
        AuthorUsername = $"dev{host % 40}",
        AuthorEmail = $"dev{host % 40}@customer.example",
        Message = $"Change {index} of host {host}",
        ClientRequestToken = Guid.NewGuid().ToString(),
        PushedAt = now.AddMinutes(-index),
        CreatedAt = now.AddMinutes(-index),
        UpdatedAt = now.AddMinutes(-index),
        State = state,
    };
}
