using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.Hooks;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Api;

/// <summary>
/// Project hooks (lib/api/project_hooks.rb, helpers/web_hooks_helpers.rb, hooks/trigger_test.rb, hooks/events.rb,
/// hooks/resend_hook.rb). Every route needs a signed-in Maintainer (read_web_hook, admin_web_hook), checked before the
/// parameters; the token is never returned.
/// </summary>
public sealed class HookRoutes(HookTester tester, WebHookSender sender, IOptions<StandInOptions> options, TimeProvider clock)
{
    public IEnumerable<ApiRoute> Routes =>
    [
        new("GET", "projects/:id/hooks", ListAsync),
        new("POST", "projects/:id/hooks", CreateAsync),
        new("GET", "projects/:id/hooks/:hook_id", GetAsync),
        new("PUT", "projects/:id/hooks/:hook_id", UpdateAsync),
        new("DELETE", "projects/:id/hooks/:hook_id", DeleteAsync),
        new("POST", "projects/:id/hooks/:hook_id/test/:trigger", TestAsync),
        new("GET", "projects/:id/hooks/:hook_id/events", EventsAsync),
        new("POST", "projects/:id/hooks/:hook_id/events/:hook_log_id/resend", ResendAsync),
    ];

    private static ProjectRecord Authorize(ApiContext context)
    {
        context.Authenticate();
        context.Authorize(ProjectAccess.CanAdminWebHooks);
        return context.UserProject;
    }

    private JsonObject Entity(HookRecord hook, bool withDetails) =>
        Entities.Hook(hook, withDetails, HookHealth.AlertStatus(hook, clock.GetUtcNow(), options.Value.AutoDisablingWebHooks));

    /// <summary>user_project.hooks.find: ActiveRecord::RecordNotFound is {"message":"404 Not found"}.</summary>
    private static HookRecord FindHook(ApiContext context, ProjectRecord project)
    {
        var id = context.Params.Integer("hook_id", required: true);
        context.Params.Validate();
        return context.State.Read(d => d.Hooks.FirstOrDefault(h => h.Id == id && h.ProjectId == project.Id))
            ?? throw ApiError.Render(404, "404 Not found");
    }

    private Task<IResult> ListAsync(ApiContext context)
    {
        var project = Authorize(context);
        var hooks = context.State.Read(d => d.Hooks.Where(h => h.ProjectId == project.Id).OrderBy(h => h.Id).ToList());
        var page = Pagination.Apply(context, hooks);
        return Task.FromResult(ApiRouter.JsonResult(new JsonArray([.. page.Select(h => (JsonNode)Entity(h, withDetails: false))])));
    }

    private Task<IResult> GetAsync(ApiContext context)
    {
        var project = Authorize(context);
        return Task.FromResult(ApiRouter.JsonResult(Entity(FindHook(context, project), withDetails: true)));
    }

    private Task<IResult> CreateAsync(ApiContext context)
    {
        var project = Authorize(context);
        if (!context.Params.Has("url")) context.Params.AddError("url is missing");
        var hook = new HookRecord { ProjectId = project.Id };
        HookRules.Assign(hook, context.Params);
        if (HookRules.Refusal(HookRules.Validate(hook, options.Value.AllowLocalRequestsFromWebHooksAndServices), creating: true) is { } refusal)
            throw refusal;
        context.State.Write(d =>
        {
            hook.Id = StandInState.NextId(d, "web_hooks");
            hook.CreatedAt = clock.GetUtcNow();
            d.Hooks.Add(hook);
        });
        return Task.FromResult(ApiRouter.JsonResult(Entity(hook, withDetails: true), 201));
    }

    private Task<IResult> UpdateAsync(ApiContext context)
    {
        var project = Authorize(context);
        var stored = FindHook(context, project);
        var hook = stored.Clone();
        if (!HookRules.Assign(hook, context.Params)) throw ApiError.Error(400, "No parameters provided");
        if (HookRules.Refusal(HookRules.Validate(hook, options.Value.AllowLocalRequestsFromWebHooksAndServices), creating: false) is { } refusal)
            throw refusal;
        context.State.Write(d =>
        {
            var index = d.Hooks.FindIndex(h => h.Id == stored.Id);
            if (index >= 0) d.Hooks[index] = hook;
        });
        return Task.FromResult(ApiRouter.JsonResult(Entity(hook, withDetails: true)));
    }

    private Task<IResult> DeleteAsync(ApiContext context)
    {
        var project = Authorize(context);
        var hook = FindHook(context, project);
        context.State.Write(d =>
        {
            d.Hooks.RemoveAll(h => h.Id == hook.Id);
            d.HookLogs.RemoveAll(l => l.HookId == hook.Id);
        });
        return Task.FromResult(Results.StatusCode(204));
    }

    private async Task<IResult> TestAsync(ApiContext context)
    {
        var project = Authorize(context);
        context.Params.String("trigger", required: true, allowed: [.. HookTester.Triggers.Keys]);
        var hook = FindHook(context, project);
        var result = await tester.TestAsync(project, hook.Id, context.CurrentUser!, context.Params.Text("trigger")!, context.Http.RequestAborted);
        if (result.HttpStatus is >= 200 and < 300) return ApiRouter.JsonResult(new JsonObject { ["message"] = "201 Created" }, 201);
        throw ApiError.Render(422, result.Message);
    }

    private Task<IResult> EventsAsync(ApiContext context)
    {
        var project = Authorize(context);
        var statuses = context.Params.List("status");
        if (statuses.Any(s => !IsStatusFilter(s))) context.Params.AddError("status does not have a valid value");
        if (context.Params.Integer("per_page") is < 1 or > 20) context.Params.AddError("per_page does not have a valid value");
        var hook = FindHook(context, project);
        var logs = context.State.Read(d => d.HookLogs.Where(l => l.HookId == hook.Id).OrderByDescending(l => l.Id).ToList())
            .Where(l => statuses.Count == 0 || statuses.Any(s => StatusMatches(s, l.ResponseStatus))).ToList();
        var page = Pagination.Apply(context, logs, maxPerPage: 20);
        return Task.FromResult(ApiRouter.JsonResult(new JsonArray([.. page.Select(l => (JsonNode)Entities.WebHookLog(l))])));
    }

    private async Task<IResult> ResendAsync(ApiContext context)
    {
        var project = Authorize(context);
        var logId = context.Params.Integer("hook_log_id", required: true);
        var hook = FindHook(context, project);
        var log = context.State.Read(d => d.HookLogs.FirstOrDefault(l => l.Id == logId && l.HookId == hook.Id))
            ?? throw ApiError.Render(404, "404 Not found");
        var result = await Resend(hook, log, context.Http.RequestAborted);
        if (result.HttpStatus is null) throw ApiError.Render(422, result.Message);
        return ApiRouter.JsonResult(new JsonObject { ["response_status"] = result.HttpStatus }, 201);
    }

    /// <summary>WebHooks::Events::ResendService: the same body and Idempotency-Key, fresh UUIDs; refused when the URL changed.</summary>
    public Task<DeliveryResult> Resend(HookRecord hook, HookLogRecord log, CancellationToken cancellationToken)
    {
        if (log.Url != hook.Url)
            return Task.FromResult(new DeliveryResult(false, null, "The hook URL has changed, and this log entry cannot be retried"));
        var data = JsonNode.Parse(log.RequestData) as JsonObject ?? [];
        return sender.ExecuteAsync(hook.Id, log.Trigger, data, log.IdempotencyKey, force: false, cancellationToken);
    }

    private static bool IsStatusFilter(string value) =>
        value is "successful" or "client_failure" or "server_failure" || (int.TryParse(value, out var code) && code is >= 100 and < 600);

    private static bool StatusMatches(string filter, string status) => filter switch
    {
        "successful" => status.StartsWith('2'),
        "client_failure" => status.StartsWith('4'),
        "server_failure" => status.StartsWith('5'),
        _ => filter == status,
    };

}
