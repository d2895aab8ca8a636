using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Provisioning.Hosts;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Hosts;

/// <summary>One real DNS server (npm dns2) for the checks of a test class; each test asks about names of its own.</summary>
public sealed class DnsServerFixture : IAsyncLifetime
{
    public DnsServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await DnsServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The custom domain's DNS check against a real DNS server: a CNAME to the load balancer (any case, trailing dot or not),
/// none yet, one elsewhere, an apex flattened into the load balancer's addresses, and a server that does not answer.
/// </summary>
public sealed class DnsRecordCheckTests(DnsServerFixture fixture) : IClassFixture<DnsServerFixture>
{
    private readonly string domain = $"www-{Guid.NewGuid().ToString("N")[..8]}.acme.example";
    private readonly string loadBalancer = $"portal-{Guid.NewGuid().ToString("N")[..8]}-1234567890.eu-west-1.elb.amazonaws.com";
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-12-03T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private DnsServer Server => fixture.Server;

    private DnsRecordCheck Check(IPEndPoint? server = null, TimeSpan? timeout = null) => new(
        new DnsCheckOptions { NameServers = [(server ?? Server.EndPoint).ToString()], Timeout = timeout ?? TimeSpan.FromSeconds(3) },
        clock, NullLogger<DnsRecordCheck>.Instance);

    [Fact]
    public async Task A_cname_to_the_load_balancer_points_at_it_whatever_its_case_and_trailing_dot()
    {
        await Server.CnameAsync(domain, loadBalancer.ToUpperInvariant() + ".");

        var result = await Check().CheckAsync(domain.ToUpperInvariant(), loadBalancer);

        Assert.Equal(DnsCheckOutcome.PointsAtLoadBalancer, result.Outcome);
        Assert.Null(result.Detail);
        Assert.Equal(clock.GetUtcNow(), result.CheckedAt);
    }

    [Fact]
    public async Task A_name_the_dns_does_not_know_does_not_resolve_yet()
    {
        var result = await Check().CheckAsync(domain, loadBalancer);

        Assert.Equal(DnsCheckOutcome.NotYet, result.Outcome);
    }

    [Fact]
    public async Task A_name_with_neither_cname_nor_address_does_not_resolve_yet()
    {
        await Server.SetAsync(domain);

        var result = await Check().CheckAsync(domain, loadBalancer);

        Assert.Equal(DnsCheckOutcome.NotYet, result.Outcome);
    }

    [Fact]
    public async Task A_cname_to_another_name_points_elsewhere_and_says_where()
    {
        await Server.CnameAsync(domain, "Old-Host.Example.NET.");

        var result = await Check().CheckAsync(domain, loadBalancer);

        Assert.Equal((DnsCheckOutcome.Elsewhere, "old-host.example.net"), (result.Outcome, result.Detail));
    }

    [Fact]
    public async Task An_apex_flattened_into_the_load_balancers_addresses_points_at_it()
    {
        await Server.AddressesAsync(loadBalancer, "192.0.2.10", "192.0.2.11", "2001:db8::10");
        await Server.AddressesAsync(domain, "192.0.2.11", "2001:db8::10");

        var result = await Check().CheckAsync(domain, loadBalancer);

        Assert.Equal(DnsCheckOutcome.PointsAtLoadBalancer, result.Outcome);
    }

    [Fact]
    public async Task An_apex_with_other_addresses_points_elsewhere_and_names_them()
    {
        await Server.AddressesAsync(loadBalancer, "192.0.2.10");
        await Server.AddressesAsync(domain, "198.51.100.7");

        var result = await Check().CheckAsync(domain, loadBalancer);

        Assert.Equal((DnsCheckOutcome.Elsewhere, "198.51.100.7"), (result.Outcome, result.Detail));
    }

    [Fact]
    public async Task A_dns_server_that_does_not_answer_could_not_be_checked_within_the_timeout()
    {
        // A socket that takes the questions and never answers them.
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var started = Stopwatch.StartNew();

        var result = await Check((IPEndPoint)silent.Client.LocalEndPoint!, TimeSpan.FromMilliseconds(300)).CheckAsync(domain, loadBalancer);

        Assert.Equal((DnsCheckOutcome.CouldNotCheck, "no answer from the DNS server within 0.3 s"), (result.Outcome, result.Detail));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"The check took {started.Elapsed}.");
    }

    [Fact]
    public async Task A_name_that_is_no_dns_name_could_not_be_checked_and_nothing_is_asked()
    {
        var result = await Check().CheckAsync($"{new string('a', 64)}.acme.example", loadBalancer);

        Assert.Equal((DnsCheckOutcome.CouldNotCheck, "the name is not a valid DNS name"), (result.Outcome, result.Detail));
    }

    [Fact]
    public async Task An_answer_serves_for_a_while_unless_asked_afresh()
    {
        var check = Check();
        Assert.Equal(DnsCheckOutcome.NotYet, (await check.CheckAsync(domain, loadBalancer)).Outcome);
        await Server.CnameAsync(domain, loadBalancer);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(DnsCheckOutcome.NotYet, (await check.CheckAsync(domain, loadBalancer)).Outcome);
        Assert.Equal(DnsCheckOutcome.PointsAtLoadBalancer, (await check.CheckAsync(domain, loadBalancer, fresh: true)).Outcome);

        await Server.RemoveAsync(domain);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(DnsCheckOutcome.NotYet, (await check.CheckAsync(domain, loadBalancer)).Outcome);
    }

    [Theory]
    [InlineData("dns.example.net:53")]
    [InlineData("127.0.0.1:70000")]
    public void A_name_server_that_is_no_address_stops_the_start_naming_the_setting(string server)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DnsCheckOptions { NameServers = [server] }.Validate());

        Assert.Contains("Dns:NameServers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_servers_without_a_port_are_asked_on_53()
    {
        var options = new DnsCheckOptions { NameServers = ["192.0.2.53", "[2001:db8::53]:5353"] };
        options.Validate();

        Assert.Equal(["192.0.2.53:53", "[2001:db8::53]:5353"], options.EndPoints().Select(e => e.ToString()));
    }
}
