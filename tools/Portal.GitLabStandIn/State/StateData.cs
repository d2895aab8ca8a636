namespace Portal.GitLabStandIn.State;

/// <summary>Everything the stand-in knows besides the git repositories; serialized as state.json.</summary>
public sealed class StateData
{
    public Dictionary<string, long> Sequences { get; set; } = [];
    /// <summary>Namespace path to its id (GitLab's namespaces table), shared by the projects in it.</summary>
    public Dictionary<string, long> NamespaceIds { get; set; } = [];
    public List<UserRecord> Users { get; set; } = [];
    public List<ProjectRecord> Projects { get; set; } = [];
    public List<AccessTokenRecord> AccessTokens { get; set; } = [];
    public List<DeployTokenRecord> DeployTokens { get; set; } = [];
    public List<HookRecord> Hooks { get; set; } = [];
    public List<HookLogRecord> HookLogs { get; set; } = [];
    public List<PipelineRecord> Pipelines { get; set; } = [];
    public List<CommitStatusRecord> Statuses { get; set; } = [];
}
