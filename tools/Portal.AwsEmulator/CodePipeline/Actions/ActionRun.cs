using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CodePipeline.Actions;

/// <summary>One action to run: the pipeline and execution as they are now, and the failure a fault rule injects (if any).</summary>
public sealed record ActionRun(RegionState Region, PipelineRecord Pipeline, PipelineExecutionRecord Execution, string StageName, ActionDeclaration Action,
    (string Code, string Message)? Fault)
{
    /// <summary>The action's configuration with #{variables.Name} replaced by the execution's values.</summary>
    public Dictionary<string, string> ResolvedConfiguration { get; } = Action.Configuration.ToDictionary(c => c.Key, c => Resolve(c.Value, Execution.Variables));

    private static string Resolve(string value, IReadOnlyDictionary<string, string> variables) =>
        variables.Aggregate(value, (text, variable) => text.Replace($"#{{variables.{variable.Key}}}", variable.Value, StringComparison.Ordinal));
}

/// <summary>How an action ended and what it leaves behind: artifacts, variables, the revision a source read, its external execution.</summary>
public sealed record ActionOutcome(bool Succeeded, string Summary, string? ErrorCode = null, string? ErrorMessage = null)
{
    public string? ExternalExecutionId { get; init; }
    public string? ExternalExecutionUrl { get; init; }
    public string? ExternalExecutionSummary { get; init; }
    public Dictionary<string, ArtifactLocation> InputArtifacts { get; init; } = [];
    public Dictionary<string, ArtifactLocation> OutputArtifacts { get; init; } = [];
    public Dictionary<string, string> OutputVariables { get; init; } = [];
    public ArtifactRevisionRecord? Revision { get; init; }

    public static ActionOutcome Failed(string message, string code = "JobFailed") => new(false, message, code, message);
}
