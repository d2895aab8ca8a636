namespace Portal.AwsEmulator.CodePipeline.Actions;

/// <summary>
/// What each kind of action does when it runs: the S3 source reads its object, CodeBuild runs a build; other providers
/// (CodeDeploy, approvals' notifications…) succeed unless a fault rule fails them.
/// </summary>
public static class ActionWorkers
{
    public static Task<ActionOutcome> RunAsync(ActionRun run, CancellationToken cancellationToken) => run.Action switch
    {
        { Category: "Source", Owner: "AWS", Provider: "S3" } => S3SourceAction.RunAsync(run, cancellationToken),
        { Category: "Build" or "Test", Owner: "AWS", Provider: "CodeBuild" } => CodeBuildAction.RunAsync(run, cancellationToken),
        _ => Task.FromResult(run.Fault is { } fault
            ? ActionOutcome.Failed(fault.Message, fault.Code)
            : new ActionOutcome(true, $"{run.Action.Provider} {run.Action.Category.ToLowerInvariant()} action succeeded")),
    };
}
