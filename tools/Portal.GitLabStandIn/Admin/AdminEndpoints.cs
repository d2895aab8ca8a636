using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.GitLabStandIn.Api;
using Portal.GitLabStandIn.Git;
using Portal.GitLabStandIn.Hooks;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Admin;

/// <summary>
/// The stand-in's own API under /-/standin (not GitLab's): create users, projects, members and tokens; read every hook
/// delivery with its headers, resend or test one; see the pushes processed; change instance settings. Unauthenticated:
/// it is for tests, demos and run scripts on a development machine.
/// </summary>
public static class AdminEndpoints
{
    public const string Prefix = "/-/standin";

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(Prefix).AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (AdminError e)
            {
                return Results.Json(new { message = e.Message }, statusCode: 400);
            }
        });
        admin.MapGet("/health", () => Results.Json(new { status = "ok" }));
        admin.MapGet("/users", (StandInState state) => Json(new JsonArray([.. state.Read(d => d.Users.ToList()).Select(u => (JsonNode)User(u))])));
        admin.MapPost("/users", async (HttpRequest request, AdminService service) =>
        {
            var body = await BodyAsync(request);
            var user = service.CreateUser(Required(body, "username"), Str(body, "name"), Str(body, "email"), Str(body, "public_email"),
                body["admin"]?.GetValue<bool>() ?? false);
            return Json(User(user), 201);
        });
        admin.MapGet("/projects", (StandInState state, StandInUrls urls) =>
            Json(new JsonArray([.. state.Read(d => d.Projects.ToList()).Select(p => (JsonNode)Project(p, urls))])));
        admin.MapPost("/projects", async (HttpRequest request, AdminService service, StandInUrls urls) =>
        {
            var body = await BodyAsync(request);
            var project = await service.CreateProjectAsync(Required(body, "path_with_namespace"), Str(body, "name"), Str(body, "description"),
                Str(body, "default_branch"), Str(body, "visibility"), Str(body, "namespace_name"), request.HttpContext.RequestAborted);
            return Json(Project(project, urls), 201);
        });
        admin.MapPost("/projects/{id:long}/members", async (long id, HttpRequest request, AdminService service) =>
        {
            var body = await BodyAsync(request);
            service.AddMember(id, Long(body, "user_id"), (int)Long(body, "access_level"));
            return Results.NoContent();
        });
        admin.MapPost("/projects/{id:long}/protected_branches", async (long id, HttpRequest request, AdminService service) =>
        {
            service.ProtectBranch(id, Required(await BodyAsync(request), "name"));
            return Results.NoContent();
        });
        admin.MapPut("/projects/{id:long}/archive-outage", (long id, Faults.ArchiveOutages outages) =>
        {
            outages.Start(id);
            return Results.NoContent();
        });
        admin.MapDelete("/projects/{id:long}/archive-outage", (long id, Faults.ArchiveOutages outages) =>
        {
            outages.End(id);
            return Results.NoContent();
        });
        admin.MapGet("/projects/{id:long}/statuses", (long id, StandInState state) => Json(new JsonArray([.. state.Read(d =>
            d.Statuses.Where(s => s.ProjectId == id).OrderBy(s => s.Id).ToList()).Select(s => (JsonNode)Entities.CommitStatus(s, null, null!))])));

        admin.MapPost("/tokens/personal", async (HttpRequest request, AdminService service) =>
        {
            var b = await BodyAsync(request);
            return Token(service.CreatePersonalToken(Long(b, "user_id"), Str(b, "name") ?? "token", List(b, "scopes"), Date(b), Str(b, "token"),
                Str(b, "description")));
        });
        admin.MapPost("/tokens/project", async (HttpRequest request, AdminService service) =>
        {
            var b = await BodyAsync(request);
            return Token(service.CreateProjectToken(Long(b, "project_id"), Str(b, "name") ?? "project token", List(b, "scopes"),
                b["access_level"] is null ? AccessLevel.Maintainer : (int)Long(b, "access_level"), Date(b), Str(b, "token")));
        });
        admin.MapPost("/tokens/deploy", async (HttpRequest request, AdminService service) =>
        {
            var b = await BodyAsync(request);
            return Token(service.CreateDeployToken(Long(b, "project_id"), Str(b, "name") ?? "deploy token", Str(b, "username"), List(b, "scopes"),
                Date(b), Str(b, "token")));
        });
        admin.MapPost("/tokens/personal/{id:long}/revoke", (long id, AdminService service) =>
        {
            service.RevokeAccessToken(id);
            return Results.NoContent();
        });
        admin.MapPost("/tokens/deploy/{id:long}/revoke", (long id, AdminService service) =>
        {
            service.RevokeDeployToken(id);
            return Results.NoContent();
        });

        admin.MapGet("/hooks/{id:long}", (long id, StandInState state, IOptions<StandInOptions> options, TimeProvider clock) =>
            state.Read(d => d.Hooks.FirstOrDefault(h => h.Id == id)) is { } hook ? Json(AdminHook(hook, options.Value, clock)) : Results.NotFound());
        admin.MapGet("/hooks/{id:long}/events", (long id, StandInState state) => Json(new JsonArray([.. state.Read(d =>
            d.HookLogs.Where(l => l.HookId == id).OrderByDescending(l => l.Id).ToList()).Select(l => (JsonNode)AdminLog(l))])));
        admin.MapPost("/hooks/{id:long}/events/{logId:long}/resend", async (long id, long logId, StandInState state, HookRoutes routes,
            CancellationToken ct) =>
        {
            var (hook, log) = state.Read(d => (d.Hooks.FirstOrDefault(h => h.Id == id), d.HookLogs.FirstOrDefault(l => l.Id == logId && l.HookId == id)));
            if (hook is null || log is null) return Results.NotFound();
            return Delivery(await routes.Resend(hook, log, ct));
        });
        admin.MapPost("/hooks/{id:long}/test/{trigger}", async (long id, string trigger, StandInState state, HookTester tester, CancellationToken ct) =>
        {
            var (hook, project, root) = state.Read(d =>
            {
                var h = d.Hooks.FirstOrDefault(x => x.Id == id);
                return (h, d.Projects.FirstOrDefault(p => p.Id == h?.ProjectId), d.Users.First(u => u.Id == StandInState.RootUserId));
            });
            if (hook is null || project is null) return Results.NotFound();
            if (!HookTester.Triggers.ContainsKey(trigger)) throw new AdminError($"trigger must be one of {string.Join(", ", HookTester.Triggers.Keys)}");
            return Delivery(await tester.TestAsync(project, hook.Id, root, trigger, ct));
        });

        admin.MapGet("/pushes", (PushLog log) => Json(new JsonArray([.. log.Snapshot().Select(p => (JsonNode)Push(p))])));
        admin.MapGet("/stats", (ArchiveStats stats) => Results.Json(new { archives_in_flight = stats.InFlight, archive_bytes_streamed = stats.BytesStreamed }));
        admin.MapGet("/settings", (IOptions<StandInOptions> options) => Json(Settings(options.Value)));
        admin.MapPut("/settings", async (HttpRequest request, IOptions<StandInOptions> options) =>
        {
            var b = await BodyAsync(request);
            var o = options.Value;
            if (b["push_event_hooks_limit"] is not null) o.PushEventHooksLimit = (int)Long(b, "push_event_hooks_limit");
            if (b["auto_disabling_web_hooks"] is { } auto) o.AutoDisablingWebHooks = auto.GetValue<bool>();
            if (b["allow_local_requests_from_web_hooks_and_services"] is { } local) o.AllowLocalRequestsFromWebHooksAndServices = local.GetValue<bool>();
            if (b["webhook_timeout_seconds"] is not null) o.WebhookTimeout = TimeSpan.FromSeconds(Long(b, "webhook_timeout_seconds"));
            return Json(Settings(o));
        });
        InternalApi.Map(admin);
    }

    private static IResult Json(JsonNode node, int status = 200) => ApiRouter.JsonResult(node, status);

    private static IResult Token(CreatedToken token) =>
        Json(new JsonObject { ["id"] = token.Id, ["token"] = token.Token, ["user_id"] = token.UserId > 0 ? token.UserId : null }, 201);

    private static IResult Delivery(DeliveryResult result) =>
        Json(new JsonObject { ["success"] = result.Success, ["http_status"] = result.HttpStatus, ["message"] = result.Message });

    public static async Task<JsonObject> BodyAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject ?? throw new AdminError("the body must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new AdminError($"the body is not JSON: {e.Message}");
        }
    }

    public static string? Str(JsonObject body, string name) => body[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string Required(JsonObject body, string name) => Str(body, name) ?? throw new AdminError($"{name} is required");

    public static long Long(JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : throw new AdminError($"{name} must be a number");

    public static IReadOnlyList<string> List(JsonObject body, string name) =>
        body[name] is JsonArray a ? [.. a.Select(x => x?.ToString() ?? "")] : throw new AdminError($"{name} must be a list");

    public static DateOnly? Date(JsonObject body) => Str(body, "expires_at") is { } text
        ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new AdminError("expires_at must be YYYY-MM-DD")
        : null;

    private static JsonObject User(UserRecord u) => new()
    {
        ["id"] = u.Id,
        ["username"] = u.Username,
        ["name"] = u.Name,
        ["email"] = u.Email,
        ["public_email"] = u.PublicEmail,
        ["admin"] = u.Admin,
        ["bot"] = u.Bot,
    };

    private static JsonObject Project(ProjectRecord p, StandInUrls urls) => new()
    {
        ["id"] = p.Id,
        ["path_with_namespace"] = p.FullPath,
        ["name"] = p.Name,
        ["default_branch"] = p.DefaultBranch,
        ["visibility"] = p.Visibility,
        ["web_url"] = urls.WebUrl(p),
        ["http_url_to_repo"] = urls.HttpUrlToRepo(p),
        ["members"] = new JsonArray([.. p.Members.Select(m => (JsonNode)new JsonObject { ["user_id"] = m.UserId, ["access_level"] = m.AccessLevel })]),
        ["protected_branches"] = new JsonArray([.. p.ProtectedBranches.Select(b => (JsonNode)b)]),
    };

    private static JsonObject AdminHook(HookRecord hook, StandInOptions options, TimeProvider clock)
    {
        var json = Entities.Hook(hook, true, HookHealth.AlertStatus(hook, clock.GetUtcNow(), options.AutoDisablingWebHooks));
        json["recent_failures"] = hook.RecentFailures;
        return json;
    }

    private static JsonObject AdminLog(HookLogRecord log)
    {
        var json = Entities.WebHookLog(log);
        json["internal_error_message"] = log.InternalErrorMessage;
        return json;
    }

    private static JsonObject Push(PushEvent p) => new()
    {
        ["project_id"] = p.ProjectId,
        ["user_id"] = p.UserId,
        ["at"] = p.At.ToString("O"),
        ["changes"] = new JsonArray([.. p.Changes.Select(c => (JsonNode)new JsonObject { ["before"] = c.OldRev, ["after"] = c.NewRev, ["ref"] = c.Ref })]),
        ["push_options"] = p.PushOptions.DeepClone(),
        ["notes"] = new JsonArray([.. p.Notes.Select(n => (JsonNode)n)]),
    };

    private static JsonObject Settings(StandInOptions o) => new()
    {
        ["push_event_hooks_limit"] = o.PushEventHooksLimit,
        ["auto_disabling_web_hooks"] = o.AutoDisablingWebHooks,
        ["allow_local_requests_from_web_hooks_and_services"] = o.AllowLocalRequestsFromWebHooksAndServices,
        ["webhook_timeout_seconds"] = o.WebhookTimeout.TotalSeconds,
    };
}
