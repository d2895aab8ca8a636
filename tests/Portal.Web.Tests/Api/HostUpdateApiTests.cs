using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Support;

namespace Portal.Web.Tests.Api;

/// <summary>A script updates a host the way the API reference tells it to: PUT, poll the preview, confirm, follow the host back to Active. Jobs run against the emulator.</summary>
public sealed class HostUpdateApiTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly HostApiHelpers helpers = new(fixture);

    [Fact]
    public async Task A_plan_change_is_previewed_per_environment_confirmed_and_applied_through_the_api()
    {
        var (user, api) = await helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "scripted", production: true, HostChangeApiTests.ProjectOf("scripted"));
        await HostStateAsync(api, "scripted", "Active");

        // The project's URL is the one GitLab gave the order's token check, as the host reads back.
        var projectUrl = (await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/scripted")).GetProperty("gitLabProjectUrl").GetString();
        var proposed = await api.PutAsJsonAsync("/api/v1/hosts/scripted", HostChangeApiTests.Edit("scripted", production: true, o =>
        {
            o["gitLabProjectUrl"] = projectUrl;
            o["plan"] = "medium";
            o["minInstances"] = 1;
            o["maxInstances"] = 2;
            o["databaseStorageGb"] = 20;
        }));
        Assert.Equal(HttpStatusCode.Accepted, proposed.StatusCode);
        var location = proposed.Headers.Location!.OriginalString;

        var ready = await Poll.UntilAsync(() => api.GetFromJsonAsync<JsonElement>(location), c => c.GetProperty("state").GetString() != "Preparing",
            Patience, "the preview", c => c.ToString());
        Assert.Equal("Ready", ready.GetProperty("state").GetString());
        Assert.Equal(["plan:small:medium", "databaseInstanceClass:db.t4g.micro:db.t4g.medium"], HostChangeApiTests.FieldChanges(ready));
        var stacks = ready.GetProperty("stacks").EnumerateArray().ToList();
        Assert.Equal(["dev:software:Ready", "production:software:Ready"],
            stacks.Select(s => $"{s.GetProperty("environment").GetString()}:{s.GetProperty("layer").GetString()}:{s.GetProperty("status").GetString()}"));
        foreach (var stack in stacks)
        {
            var changes = stack.GetProperty("changes").EnumerateArray().ToList();
            var launchTemplate = Assert.Single(changes, c => c.GetProperty("logicalResourceId").GetString() == "LaunchTemplate");
            Assert.Equal(("Modify", "AWS::EC2::LaunchTemplate", "False"),
                (launchTemplate.GetProperty("action").GetString(), launchTemplate.GetProperty("resourceType").GetString(), launchTemplate.GetProperty("replacement").GetString()));
            Assert.Contains(changes, c => c.GetProperty("resourceType").GetString() == "AWS::RDS::DBInstance" && c.GetProperty("replacement").GetString() == "False");
        }

        var confirmed = await api.PostAsync($"{location}/confirm", null);
        Assert.Equal(HttpStatusCode.Accepted, confirmed.StatusCode);
        Assert.Equal("Applying", (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.Equal("Updating", (await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/scripted")).GetProperty("state").GetString());

        var active = await HostStateAsync(api, "scripted", "Active");
        Assert.Equal("medium", active.GetProperty("plan").GetString());
        Assert.Equal("db.t4g.medium", active.GetProperty("databaseInstanceClass").GetString());
        Assert.Equal("Applied", (await api.GetFromJsonAsync<JsonElement>(location)).GetProperty("state").GetString());
        var events = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/scripted/environments/production/events?pageSize=200");
        Assert.Contains(events.GetProperty("items").EnumerateArray(), e => e.GetProperty("resourceStatus").GetString() == "UPDATE_COMPLETE");
        var again = await HostApiHelpers.ProblemAsync(await api.PostAsync($"{location}/confirm", null), HttpStatusCode.Conflict);
        Assert.Contains("Applied", again.GetProperty("detail").GetString());
        Assert.Equal(user.Email, (await api.GetFromJsonAsync<JsonElement>(location)).GetProperty("requestedBy").GetString());
    }

    private static async Task<JsonElement> HostStateAsync(HttpClient api, string name, string state)
    {
        var host = await Poll.UntilAsync(() => api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/{name}"),
            h => h.GetProperty("state").GetString() == state || h.GetProperty("state").GetString() == "Failed", Patience, $"{name} to be {state}", h => h.ToString());
        Assert.True(host.GetProperty("state").GetString() == state, host.ToString());
        return host;
    }
}
