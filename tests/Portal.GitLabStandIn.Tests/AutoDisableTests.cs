using System.Globalization;
using Portal.GitLabStandIn.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.GitLabStandIn.Tests;

/// <summary>WebHooks::AutoDisabling as the API shows it: alert_status, disabled_until, and deliveries stopping.</summary>
public sealed class AutoDisableTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private StandInHost Host => fixture.Host;

    [Fact]
    public async Task Four_failures_in_a_row_disable_a_hook_for_a_minute_and_a_successful_test_enables_it_again()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Status = 500;
        var project = await Host.NewProjectAsync();
        var id = await Host.CreateHookAsync(project, receiver.Url);
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        using var api = Host.Api(project.Token);
        for (var i = 1; i <= 4; i++)
        {
            work.Commit($"fail {i}", ("f.txt", i.ToString(CultureInfo.InvariantCulture)));
            work.Run("push", "-q", "origin", "HEAD:main");
            await receiver.NextAsync();
            await WaitForFailuresAsync(id, i);
            var hook = (await api.GetJsonAsync($"projects/{project.Id}/hooks/{id}")).Json!;
            Assert.Equal(i < 4 ? "executable" : "temporarily_disabled", hook["alert_status"]!.GetValue<string>());
            if (i < 4) Assert.Null(hook["disabled_until"]);
        }
        var disabled = (await api.GetJsonAsync($"projects/{project.Id}/hooks/{id}")).Json!;
        var until = DateTimeOffset.Parse(disabled["disabled_until"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));

        work.Commit("while disabled", ("f.txt", "5"));
        work.Run("push", "-q", "origin", "HEAD:main");
        await receiver.AssertNoneAsync(2000);

        receiver.Status = 200;
        var (status, _, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks/{id}/test/push_events");
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        await receiver.NextAsync();
        var enabled = (await api.GetJsonAsync($"projects/{project.Id}/hooks/{id}")).Json!;
        Assert.Equal("executable", enabled["alert_status"]!.GetValue<string>());
        Assert.Null(enabled["disabled_until"]);
    }

    [Fact]
    public async Task A_failed_test_answers_422_with_the_receivers_body_and_a_refused_connection_is_logged_as_internal_error()
    {
        await using var receiver = await HookReceiver.StartAsync();
        receiver.Status = 503;
        var project = await Host.NewProjectAsync();
        var id = await Host.CreateHookAsync(project, receiver.Url);
        using var api = Host.Api(project.Token);
        var (status, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks/{id}/test/push_events");
        Assert.Equal(422, (int)status);
        Assert.Equal("""{"message":"answered 503"}""", json.Json());

        var dead = await Host.CreateHookAsync(project, "http://127.0.0.1:1/nothing-listens");
        var (deadStatus, _, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks/{dead}/test/push_events");
        Assert.Equal(422, (int)deadStatus);
        var log = (await Host.AdminGetAsync($"hooks/{dead}/events")).AsArray().Single()!;
        Assert.Equal("internal error", log["response_status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(log["internal_error_message"]!.GetValue<string>()));
    }

    private async Task WaitForFailuresAsync(long hookId, int failures)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await Host.AdminGetAsync($"hooks/{hookId}"))["recent_failures"]!.GetValue<int>() >= failures) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the hook did not count {failures} failures");
    }
}
