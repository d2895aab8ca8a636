using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Portal.Data.Entities;

namespace Portal.Web.Tests.Api;

/// <summary>A portal whose customers may have two hosts.</summary>
public sealed class LowQuotaPortalFixture : IAsyncLifetime
{
    public const int MaxHosts = 2;

    public PortalFixture Fixture { get; } = new(new Dictionary<string, string?> { ["Quotas:MaxHostsPerCustomer"] = MaxHosts.ToString(CultureInfo.InvariantCulture) });

    public Task InitializeAsync() => Fixture.InitializeAsync();

    public Task DisposeAsync() => Fixture.DisposeAsync();
}

public sealed class HostQuotaTests(LowQuotaPortalFixture quota) : IClassFixture<LowQuotaPortalFixture>
{
    private HostApiHelpers Helpers => new(quota.Fixture);

    [Fact]
    public async Task The_order_over_the_quota_is_refused_with_409_and_decommissioned_hosts_do_not_count()
    {
        var (user, api) = await Helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "one");
        await HostApiHelpers.OrderAsync(api, "two");

        var refused = await api.PostAsJsonAsync("/api/v1/hosts", HostApiHelpers.Order("three"));

        var problem = await HostApiHelpers.ProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.Equal("Host quota reached", problem.GetProperty("title").GetString());
        Assert.Contains("2 of your 2 hosts", problem.GetProperty("detail").GetString());
        Assert.Equal(2, await Helpers.DbAsync(db => db.Hosts.CountAsync(h => h.CustomerId == user.CustomerId)));

        await Helpers.DbAsync(db => db.Hosts.Where(h => h.CustomerId == user.CustomerId && h.Name == "one")
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.State, HostState.Decommissioned)));
        await HostApiHelpers.OrderAsync(api, "three");
    }

    [Fact]
    public async Task Simultaneous_orders_cannot_slip_past_the_quota()
    {
        var (user, api) = await Helpers.CustomerAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => api.PostAsJsonAsync("/api/v1/hosts", HostApiHelpers.Order($"burst-{i}"))));

        Assert.Equal(LowQuotaPortalFixture.MaxHosts, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(LowQuotaPortalFixture.MaxHosts, await Helpers.DbAsync(db => db.Hosts.CountAsync(h => h.CustomerId == user.CustomerId)));
    }

    [Fact]
    public void A_wrong_quota_setting_stops_the_portal_at_start_up_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PortalApp.Build(["--environment", "Development"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Portal"] = "Host=127.0.0.1;Database=unused",
                ["Quotas:MaxHostsPerCustomer"] = "0",
            })));

        Assert.Contains("Quotas:MaxHostsPerCustomer", error.Message);
    }
}
