using System.Globalization;
using System.Net;
using Portal.GitLabStandIn.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.GitLabStandIn.Tests;

/// <summary>Project hooks API (lib/api/project_hooks.rb, helpers/web_hooks_helpers.rb, hooks/*.rb) incl. refusals.</summary>
public sealed class HookApiTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private StandInHost Host => fixture.Host;

    [Fact]
    public async Task Creating_reading_updating_and_deleting_a_hook_never_returns_its_token()
    {
        var project = await Host.NewProjectAsync();
        using var api = Host.Api(project.Token);
        var (status, created, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks", new
        {
            url = "http://127.0.0.1:9/hook",
            token = "t0ken",
            push_events = true,
            tag_push_events = true,
            push_events_branch_filter = "main",
            enable_ssl_verification = false,
        });
        Assert.Equal(HttpStatusCode.Created, status);
        var id = created!["id"]!.GetValue<long>();
        Assert.Null(created["token"]);
        Assert.DoesNotContain("t0ken", created.Json());
        Assert.True(created["tag_push_events"]!.GetValue<bool>());
        Assert.False(created["enable_ssl_verification"]!.GetValue<bool>());
        Assert.Equal("wildcard", created["branch_filter_strategy"]!.GetValue<string>());
        Assert.Equal("executable", created["alert_status"]!.GetValue<string>());
        Assert.Equal(project.Id, created["project_id"]!.GetValue<long>());

        var (_, fetched, _) = await api.GetJsonAsync($"projects/{project.Id}/hooks/{id}");
        Assert.Equal("main", fetched!["push_events_branch_filter"]!.GetValue<string>());
        var (updateStatus, updated, _) = await api.SendJsonAsync(HttpMethod.Put, $"projects/{project.Id}/hooks/{id}",
            new { branch_filter_strategy = "all_branches" });
        Assert.Equal(HttpStatusCode.OK, updateStatus);
        Assert.Null(updated!["push_events_branch_filter"]);
        var (emptyStatus, empty, _) = await api.SendJsonAsync(HttpMethod.Put, $"projects/{project.Id}/hooks/{id}", new { });
        Assert.Equal(HttpStatusCode.BadRequest, emptyStatus);
        Assert.Equal("""{"error":"No parameters provided"}""", empty.Json());

        var (deleteStatus, _, _) = await api.SendJsonAsync(HttpMethod.Delete, $"projects/{project.Id}/hooks/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleteStatus);
        var (goneStatus, gone, _) = await api.GetJsonAsync($"projects/{project.Id}/hooks/{id}");
        Assert.Equal(HttpStatusCode.NotFound, goneStatus);
        Assert.Equal("""{"message":"404 Not found"}""", gone.Json());
    }

    [Theory]
    [InlineData("""{"url":"not a url"}""", 422, """{"error":"Invalid url given"}""")]
    [InlineData("""{"url":"ftp://example.com/x"}""", 422, """{"error":"Invalid url given"}""")]
    [InlineData("""{"url":""}""", 422, """{"error":"Invalid url given"}""")]
    [InlineData("""{"push_events":true}""", 400, """{"error":"url is missing"}""")]
    [InlineData("""{"url":"http://example.com","push_events":"maybe"}""", 400, """{"error":"push_events is invalid"}""")]
    [InlineData("""{"url":"http://example.com","push_events_branch_filter":"bad..name"}""", 422, """{"error":"Invalid branch filter given"}""")]
    [InlineData("""{"url":"http://example.com","push_events_branch_filter":"(","branch_filter_strategy":"regex"}""", 422,
        """{"error":"Invalid branch filter given"}""")]
    [InlineData("""{"url":"http://example.com","branch_filter_strategy":"fuzzy"}""", 400, """{"error":"branch_filter_strategy does not have a valid value"}""")]
    [InlineData("""{"url":"http://example.com","token":"a\nb"}""", 422, """{"error":"Token is invalid"}""")]
    [InlineData("""{"url":"http://example.com","url_variables":[{"key":"a","value":"b"}]}""", 400,
        """{"error":"url_variables is not supported by the GitLab stand-in"}""")]
    [InlineData("""{"url":"http://exa\u0000mple.com"}""", 400, "\"Bad Request\"")]
    public async Task Invalid_hooks_get_gitlabs_answers(string body, int status, string answer)
    {
        var project = await Host.NewProjectAsync();
        using var api = Host.Api(project.Token);
        var (actual, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks", body);
        Assert.Equal(status, (int)actual);
        Assert.Equal(answer, json.Json());
    }

    [Fact]
    public async Task A_huge_name_is_refused_whole()
    {
        var project = await Host.NewProjectAsync();
        using var api = Host.Api(project.Token);
        var (status, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks",
            new { url = "http://example.com/", name = new string('n', 300_000) });
        Assert.Equal(422, (int)status);
        Assert.Equal("""{"error":"Name is too long (maximum is 255 characters)"}""", json.Json());
        Assert.Equal("[]", (await api.GetJsonAsync($"projects/{project.Id}/hooks")).Json.Json());
    }

    [Fact]
    public async Task Local_addresses_are_refused_unless_the_admin_setting_allows_them()
    {
        var project = await Host.NewProjectAsync();
        using var api = Host.Api(project.Token);
        await Host.SettingsAsync(new { allow_local_requests_from_web_hooks_and_services = false });
        try
        {
            foreach (var url in new[] { "http://127.0.0.1:5000/x", "http://localhost/x", "http://10.1.2.3/x", "http://[::1]/x" })
            {
                var (status, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks", new { url });
                Assert.Equal(422, (int)status);
                Assert.Equal("""{"error":"Invalid url given"}""", json.Json());
            }
            Assert.Equal(HttpStatusCode.Created, (await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks",
                new { url = "https://hooks.example.com/x" })).Status);
        }
        finally
        {
            await Host.SettingsAsync(new { allow_local_requests_from_web_hooks_and_services = true });
        }
    }

    [Fact]
    public async Task Hooks_are_paginated_with_gitlabs_headers()
    {
        var project = await Host.NewProjectAsync();
        for (var i = 0; i < 3; i++) await Host.CreateHookAsync(project, $"http://127.0.0.1:9/{i}");
        using var api = Host.Api(project.Token);
        var (status, json, response) = await api.GetJsonAsync($"projects/{project.Id}/hooks?per_page=2");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, json!.AsArray().Count);
        Assert.Equal("3", response.Headers.GetValues("X-Total").Single());
        Assert.Equal("2", response.Headers.GetValues("X-Total-Pages").Single());
        Assert.Equal("1", response.Headers.GetValues("X-Page").Single());
        Assert.Equal("2", response.Headers.GetValues("X-Per-Page").Single());
        Assert.Equal("2", response.Headers.GetValues("X-Next-Page").Single());
        Assert.Equal("", response.Headers.GetValues("X-Prev-Page").Single());
        var link = response.Headers.GetValues("Link").Single();
        Assert.Contains($"/api/v4/projects/{project.Id}/hooks?id={project.Id}&page=2&per_page=2>; rel=\"next\"", link);
        Assert.Contains("rel=\"first\"", link);
        Assert.Contains("page=2&per_page=2>; rel=\"last\"", link);
        var (_, second, _) = await api.GetJsonAsync($"projects/{project.Id}/hooks?per_page=2&page=2");
        Assert.Single(second!.AsArray());
        var (_, beyond, beyondResponse) = await api.GetJsonAsync($"projects/{project.Id}/hooks?per_page=1000&page=99999999999");
        Assert.Empty(beyond!.AsArray());
        Assert.Equal("100", beyondResponse.Headers.GetValues("X-Per-Page").Single());
        var (badStatus, bad, _) = await api.GetJsonAsync($"projects/{project.Id}/hooks?page=abc");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("""{"error":"page is invalid"}""", bad.Json());
    }

    [Fact]
    public async Task Only_maintainers_manage_hooks_and_others_are_refused_before_parameters_are_read()
    {
        var project = await Host.NewProjectAsync();
        var developer = await Host.CreateUserAsync("d" + Guid.NewGuid().ToString("N")[..8]);
        await Host.AddMemberAsync(project.Id, developer, 30);
        var (_, token) = await Host.PersonalTokenAsync(developer, ["api"]);
        using var api = Host.Api(token);
        var (status, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks", new { });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("""{"message":"403 Forbidden"}""", json.Json());
        using var anonymous = Host.Api();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetJsonAsync($"projects/{project.Id}/hooks")).Status);
        using var owner = Host.Api(project.Token);
        var (idStatus, idJson, _) = await owner.GetJsonAsync($"projects/{project.Id}/hooks/abc");
        Assert.Equal(HttpStatusCode.BadRequest, idStatus);
        Assert.Equal("""{"error":"hook_id is invalid"}""", idJson.Json());
    }

    [Fact]
    public async Task Changing_the_url_without_a_token_drops_the_token()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        var id = await Host.CreateHookAsync(project, "http://127.0.0.1:9/old", new { token = "secret" });
        using var api = Host.Api(project.Token);
        await api.SendJsonAsync(HttpMethod.Put, $"projects/{project.Id}/hooks/{id}", new { url = receiver.Url });
        var (status, _, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks/{id}/test/push_events");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("", (await receiver.NextAsync()).Header("X-Gitlab-Token"));
    }

    [Fact]
    public async Task Testing_an_empty_project_sends_gitlabs_sample_and_a_project_with_commits_its_default_branch()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        var id = await Host.CreateHookAsync(project, receiver.Url);
        using var api = Host.Api(project.Token);
        var (status, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks/{id}/test/push_events");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("""{"message":"201 Created"}""", json.Json());
        var sample = (await receiver.NextAsync()).Json;
        Assert.Equal("95790bf891e76fee5e1747ab589903a6a1f80f22", sample["before"]!.GetValue<string>());
        Assert.Equal("""{"ci":{"skip":true}}""", sample["push_options"].Json());

        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        var shas = Enumerable.Range(1, 4).Select(i => work.Commit($"c{i}", ("f.txt", i.ToString(CultureInfo.InvariantCulture)))).ToList();
        work.Run("push", "-q", "origin", "HEAD:main");
        await receiver.NextAsync();
        await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks/{id}/test/push_events");
        var real = (await receiver.NextAsync()).Json;
        Assert.Equal(shas[1], real["before"]!.GetValue<string>());
        Assert.Equal(shas[3], real["after"]!.GetValue<string>());
        Assert.Equal(shas[1..], real["commits"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList());

        var (badStatus, bad, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks/{id}/test/everything");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("""{"error":"trigger does not have a valid value"}""", bad.Json());
        var (noteStatus, note, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks/{id}/test/note_events");
        Assert.Equal(422, (int)noteStatus);
        Assert.Equal("""{"message":"Ensure the project has notes."}""", note.Json());
    }

    [Fact]
    public async Task Recent_events_record_each_delivery_and_a_resend_keeps_the_idempotency_key_with_new_uuids()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        var id = await Host.CreateHookAsync(project, receiver.Url, new { token = "tok" });
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        work.Commit("e", ("e.txt", "e"));
        work.Run("push", "-q", "origin", "HEAD:main");
        var original = await receiver.NextAsync();

        using var api = Host.Api(project.Token);
        var events = await WaitForEventsAsync(api, project, id, 1);
        var log = events[0]!;
        Assert.Equal("push_hooks", log["trigger"]!.GetValue<string>());
        Assert.Equal("200", log["response_status"]!.GetValue<string>());
        Assert.Equal("answered 200", log["response_body"]!.GetValue<string>());
        Assert.Equal("[REDACTED]", log["request_headers"]!["X-Gitlab-Token"]!.GetValue<string>());
        Assert.Equal(original.Json.Json(), log["request_data"].Json());

        var (status, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/hooks/{id}/events/{log["id"]}/resend");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("""{"response_status":200}""", json.Json());
        var resent = await receiver.NextAsync();
        Assert.Equal(original.Header("Idempotency-Key"), resent.Header("Idempotency-Key"));
        Assert.NotEqual(original.Header("X-Gitlab-Webhook-UUID"), resent.Header("X-Gitlab-Webhook-UUID"));
        Assert.NotEqual(original.Header("X-Gitlab-Event-UUID"), resent.Header("X-Gitlab-Event-UUID"));
        Assert.Equal(original.Body, resent.Body);
        Assert.Equal(2, (await WaitForEventsAsync(api, project, id, 2)).Count);
        var (perPageStatus, _, _) = await api.GetJsonAsync($"projects/{project.Id}/hooks/{id}/events?per_page=50");
        Assert.Equal(HttpStatusCode.BadRequest, perPageStatus);
    }

    private static async Task<System.Text.Json.Nodes.JsonArray> WaitForEventsAsync(HttpClient api, TestProject project, long hookId, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            var (_, json, _) = await api.GetJsonAsync($"projects/{project.Id}/hooks/{hookId}/events");
            if (json!.AsArray().Count >= count) return json.AsArray();
            await Task.Delay(100);
        }
        throw new TimeoutException("the delivery was not logged");
    }
}
