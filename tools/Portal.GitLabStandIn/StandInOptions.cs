namespace Portal.GitLabStandIn;

/// <summary>Settings of the stand-in (section "StandIn"). The defaults are GitLab's own defaults.</summary>
public sealed class StandInOptions
{
    public const string Section = "StandIn";

    /// <summary>Where the bare repositories, the hook script and state.json live. Required.</summary>
    public string DataPath { get; set; } = "";

    /// <summary>The instance URL (web_url, X-Gitlab-Instance). Default: the first address the server listens on.</summary>
    public string? ExternalUrl { get; set; }

    /// <summary>A JSON file of users, projects, tokens and hooks to create at start (see Admin/SeedFile.cs).</summary>
    public string? SeedPath { get; set; }

    /// <summary>Sent as User-Agent "GitLab/{Version}".</summary>
    public string Version { get; set; } = "18.0.0";

    /// <summary>gitlab.yml webhook_timeout (10 s by default).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Application setting push_event_hooks_limit: more changed refs of one kind in a push send no hook.</summary>
    public int PushEventHooksLimit { get; set; } = 3;

    /// <summary>The auto_disabling_web_hooks feature flag (on at GitLab.com).</summary>
    public bool AutoDisablingWebHooks { get; set; } = true;

    /// <summary>Admin setting "Allow requests to the local network from webhooks and integrations" (off in GitLab).</summary>
    public bool AllowLocalRequestsFromWebHooksAndServices { get; set; }

    /// <summary>Recent events kept per hook (GitLab keeps them for days; a stand-in keeps the newest ones).</summary>
    public int MaxHookLogsPerHook { get; set; } = 100;
}
