using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Hooks;

/// <summary>
/// TestHooks::ProjectService (the Test button and POST .../hooks/:hook_id/test/:trigger): sends the trigger's sample data
/// right away, even to a disabled hook. Push and tag push send Push.build_sample: the default branch's newest three
/// commits, or GitLab's SAMPLE_DATA for an empty project. The stand-in has no issues, notes, pipelines and so on, so
/// those triggers answer GitLab's "Ensure the project has ..." messages.
/// </summary>
public sealed class HookTester(PushDataBuilder builder, WebHookSender sender)
{
    public static readonly IReadOnlyDictionary<string, string> Triggers = new Dictionary<string, string>
    {
        ["push_events"] = "push_hooks",
        ["tag_push_events"] = "tag_push_hooks",
        ["issues_events"] = "Ensure the project has issues.",
        ["confidential_issues_events"] = "Ensure the project has issues.",
        ["note_events"] = "Ensure the project has notes.",
        ["confidential_note_events"] = "Ensure the project has notes.",
        ["merge_requests_events"] = "Ensure the project has merge requests.",
        ["job_events"] = "Ensure the project has CI jobs.",
        ["pipeline_events"] = "Ensure the project has CI pipelines.",
        ["wiki_page_events"] = "Ensure the wiki is enabled and has pages.",
        ["releases_events"] = "Ensure the project has releases.",
        ["emoji_events"] = "Ensure the project has notes.",
        ["deployment_events"] = "Ensure the project has deployments.",
        ["feature_flag_events"] = "Ensure the project has feature flags.",
        ["resource_access_token_events"] = "Testing not available for this hook",
        ["milestone_events"] = "Ensure the project has milestones.",
        ["vulnerability_events"] = "Ensure the project has vulnerabilities.",
    };

    public async Task<DeliveryResult> TestAsync(ProjectRecord project, long hookId, UserRecord user, string trigger,
        CancellationToken cancellationToken = default)
    {
        var hookName = Triggers[trigger];
        if (hookName is not ("push_hooks" or "tag_push_hooks")) return new DeliveryResult(false, null, hookName);
        var data = await builder.BuildSampleAsync(project, user, isTag: hookName == "tag_push_hooks", cancellationToken);
        return await sender.ExecuteAsync(hookId, hookName, data, idempotencyKey: null, force: true, cancellationToken);
    }
}
