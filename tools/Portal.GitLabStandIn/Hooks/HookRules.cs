using System.Text.RegularExpressions;
using Portal.GitLabStandIn.Api;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Hooks;

/// <summary>
/// Creating and editing a project hook as WebHooks::CreateService and WebHooksHelpers#update_hook do: the API's
/// parameters, the model's normalisation (squished wildcard filter, no filter for all_branches, token reset when the
/// URL changes without a new token) and validations, and GitLab's answers for each kind of invalid hook.
/// </summary>
public static partial class HookRules
{
    private const int MaxBranchFilterLength = 4000;

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderName();

    /// <summary>Reads the hook parameters into the record. Returns false when nothing was given (PUT's 400).</summary>
    public static bool Assign(HookRecord hook, ApiParams p)
    {
        var any = false;
        if (p.String("url") is { } url)
        {
            if (url != hook.Url && !p.Has("token")) hook.Token = null;
            hook.Url = url.Trim();
            any = true;
        }
        if (p.Has("token"))
        {
            hook.Token = p.String("token");
            any = true;
        }
        if (p.Has("name")) (hook.Name, any) = (p.String("name"), true);
        if (p.Has("description")) (hook.Description, any) = (p.String("description"), true);
        foreach (var name in HookEvents.Names)
            if (p.Boolean(name) is { } on)
            {
                hook.Events[name] = on;
                any = true;
            }
        if (p.Boolean("enable_ssl_verification") is { } verify) (hook.EnableSslVerification, any) = (verify, true);
        if (p.Has("push_events_branch_filter")) (hook.PushEventsBranchFilter, any) = (p.String("push_events_branch_filter"), true);
        if (p.String("branch_filter_strategy", allowed: BranchFilter.Strategies) is { } strategy) (hook.BranchFilterStrategy, any) = (strategy, true);
        if (p.Raw("custom_headers") is System.Text.Json.Nodes.JsonArray headers)
        {
            foreach (var header in headers)
            {
                var key = header?["key"]?.ToString();
                var value = header?["value"]?.ToString();
                if (key is null || value is null) p.AddError("custom_headers[key] is missing, custom_headers[value] is missing");
                else hook.CustomHeaders[key] = value;
            }
            any = true;
        }
        foreach (var unsupported in new[] { "url_variables", "custom_webhook_template" })
            if (p.Has(unsupported)) p.AddError($"{unsupported} is not supported by the GitLab stand-in");
        p.Validate();
        Normalize(hook);
        return any;
    }

    private static void Normalize(HookRecord hook)
    {
        if (hook.BranchFilterStrategy == BranchFilter.AllBranches) hook.PushEventsBranchFilter = null;
        else if (hook.BranchFilterStrategy == BranchFilter.Wildcard && hook.PushEventsBranchFilter is { } filter)
            hook.PushEventsBranchFilter = Regex.Replace(filter.Trim(), @"\s+", " ");
    }

    /// <summary>The model's errors by attribute, as ActiveModel words them.</summary>
    public static Dictionary<string, List<string>> Validate(HookRecord hook, bool allowLocalRequests)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string attribute, string message)
        {
            if (!errors.TryGetValue(attribute, out var list)) errors[attribute] = list = [];
            list.Add(message);
        }

        if (string.IsNullOrWhiteSpace(hook.Url))
        {
            Add("url", "can't be blank");
            Add("url", "must be a valid URL");
        }
        else if (UrlBlocker.Check(hook.Url, allowLocalRequests) is { } blocked) Add("url", $"is blocked: {blocked}");
        if (hook.Token?.Contains('\n') == true) Add("token", "is invalid");
        if (hook.Name?.Length > 255) Add("name", "is too long (maximum is 255 characters)");
        if (hook.Description?.Length > 2048) Add("description", "is too long (maximum is 2048 characters)");
        var filter = hook.PushEventsBranchFilter;
        if (!string.IsNullOrEmpty(filter) && hook.BranchFilterStrategy == BranchFilter.Wildcard)
        {
            if (!GitRefName.IsValidBranch(filter.Replace('*', 'x'))) Add("push_events_branch_filter", "is not a valid branch name");
            if (filter.Length > MaxBranchFilterLength)
                Add("push_events_branch_filter", $"is longer than the allowed length of {MaxBranchFilterLength} characters.");
        }
        if (!string.IsNullOrEmpty(filter) && hook.BranchFilterStrategy == BranchFilter.Regex && BranchFilter.CompileRegex(filter) is null)
            Add("push_events_branch_filter", "not valid RE2 syntax");
        if (hook.CustomHeaders.Any(h => !HeaderName().IsMatch(h.Key) || h.Value.Contains('\n') || h.Value.Contains('\r')))
            Add("custom_headers", "must be a valid json schema");
        return errors;
    }

    /// <summary>WebHooks::CreateService and save_hook: url, branch filter and custom header errors have fixed answers.</summary>
    public static ApiError? Refusal(Dictionary<string, List<string>> errors, bool creating)
    {
        if (errors.Count == 0) return null;
        if (errors.ContainsKey("url")) return ApiError.Error(422, "Invalid url given");
        if (errors.ContainsKey("push_events_branch_filter")) return ApiError.Error(422, "Invalid branch filter given");
        if (errors.ContainsKey("custom_headers")) return ApiError.Error(422, "Custom headers validation failed");
        if (!creating) return ApiError.Validation(422, errors);
        var sentences = errors.SelectMany(e => e.Value.Select(m => $"{Humanize(e.Key)} {m}")).ToList();
        return ApiError.Error(422, ToSentence(sentences));
    }

    private static string Humanize(string attribute) => char.ToUpperInvariant(attribute[0]) + attribute[1..].Replace('_', ' ');

    private static string ToSentence(List<string> words) => words.Count switch
    {
        1 => words[0],
        2 => $"{words[0]} and {words[1]}",
        _ => string.Join(", ", words[..^1]) + ", and " + words[^1],
    };
}
