using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.CodeBuild;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CodePipeline.Actions;

/// <summary>
/// The CodeBuild build action: starts a build of ProjectName (which must exist, as StartBuild requires), runs its
/// buildspec (the project's inline one, else buildspec.yml from the input artifact) phase by phase with emulated
/// command effects, writes CodeBuild's log lines to the project's log group (LogsConfig, else /aws/codebuild/{project})
/// in a stream named after the build's id, and uploads the files artifacts.files matches as the output artifact zip.
/// The build id is the action's external execution id, so a client finds the build (BatchGetBuilds) and its log stream.
/// </summary>
public static class CodeBuildAction
{
    public static async Task<ActionOutcome> RunAsync(ActionRun run, CancellationToken cancellationToken)
    {
        var region = run.Region;
        var projectName = run.ResolvedConfiguration.GetValueOrDefault("ProjectName") ?? "";
        var project = region.Builds.Project(projectName);
        if (project is null)
            return ActionOutcome.Failed($"Error calling startBuild: Project cannot be found: {region.Builds.ProjectArn(projectName)} "
                + $"(Service: AWSCodeBuild; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: {Ids.Uuid()}; Proxy: null)");
        var inputs = new Dictionary<string, ArtifactLocation>();
        foreach (var name in run.Action.InputArtifacts ?? [])
            inputs[name] = run.Execution.Artifacts.GetValueOrDefault(name)
                ?? new ArtifactLocation(run.Pipeline.ArtifactStore ?? "", "");

        var variables = Variables(run, project);
        if (variables is null) return ActionOutcome.Failed("Error calling startBuild: EnvironmentVariables is not a valid JSON list of name, value and type.");
        var build = region.Builds.Start(project, $"codepipeline/{run.Pipeline.Name}", variables,
            project.LogGroupName ?? $"/aws/codebuild/{project.Name}", project.LogStreamPrefix);
        var environment = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        environment["CODEBUILD_BUILD_ID"] = build.Id;
        environment["CODEBUILD_BUILD_NUMBER"] = build.BuildNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["CODEBUILD_INITIATOR"] = build.Initiator;
        environment["AWS_REGION"] = environment["AWS_DEFAULT_REGION"] = region.Name;

        var primary = inputs.Values.FirstOrDefault();
        using var source = primary is { Key.Length: > 0 } ? OpenSource(region, primary) : null;
        using var result = await Task.Run(() => BuildRun.Execute(project, build, source?.Path, environment, region, run.Fault), cancellationToken);

        if (build.LogGroupName is not null && build.LogStreamName is not null)
            region.Logs.Append(build.LogGroupName, build.LogStreamName, result.Log.Lines);
        var outputs = new Dictionary<string, ArtifactLocation>();
        if (result.Failure is null)
            foreach (var artifact in run.Action.OutputArtifacts ?? [])
            {
                // Staged on disk like the source: an artifact holding a large source would otherwise sit in memory whole.
                await using var zip = new FileStream(region.S3.StagingPath(), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
                    FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                result.WriteArtifact(zip);
                zip.Position = 0;
                var (location, problem) = await PipelineArtifacts.WriteAsync(run, artifact, zip, cancellationToken);
                if (location is null) return ActionOutcome.Failed(problem!);
                outputs[artifact] = location;
            }
        region.Builds.Change(build.Id, b =>
        {
            (b.Phases, b.BuildStatus, b.CurrentPhase, b.EndTime) = (result.Phases, result.Failure is null ? BuildStatuses.Succeeded : BuildStatuses.Failed,
                "COMPLETED", result.Log.Now);
            b.SourceLocation = primary is null ? null : $"arn:{Arns.Partition(region.Name)}:s3:::{primary.Bucket}/{primary.Key}";
            b.ArtifactLocation = outputs.Values.FirstOrDefault() is { } output ? $"arn:{Arns.Partition(region.Name)}:s3:::{output.Bucket}/{output.Key}" : null;
        });

        var url = $"https://console.aws.amazon.com/codebuild/home?region={region.Name}#/builds/{Uri.EscapeDataString(build.Id)}/view/new";
        if (result.Failure is { } failure)
            return ActionOutcome.Failed(run.Fault?.Message ?? $"Build terminated with state: FAILED. Phase: {failure.Phase}, Code: {failure.Code}, Message: {failure.Message}",
                run.Fault?.Code ?? "JobFailed") with
            { ExternalExecutionId = build.Id, ExternalExecutionUrl = url, InputArtifacts = inputs };
        return new ActionOutcome(true, $"{project.Name} build {build.BuildNumber} succeeded")
        {
            ExternalExecutionId = build.Id,
            ExternalExecutionUrl = url,
            InputArtifacts = inputs,
            OutputArtifacts = outputs,
        };
    }

    /// <summary>The project's variables, overridden by the action's EnvironmentVariables (a JSON list, as CodePipeline takes it).</summary>
    private static List<BuildVariable>? Variables(ActionRun run, ProjectRecord project)
    {
        var variables = project.EnvironmentVariables.ToList();
        if (run.ResolvedConfiguration.GetValueOrDefault("EnvironmentVariables") is not { Length: > 0 } json) return variables;
        try
        {
            foreach (var item in JsonNode.Parse(json) as JsonArray ?? throw new JsonException())
            {
                var name = item?["name"]?.GetValue<string>() ?? throw new JsonException();
                variables.RemoveAll(v => v.Name == name);
                variables.Add(new BuildVariable(name, item["value"]?.GetValue<string>() ?? "", item["type"]?.GetValue<string>() ?? "PLAINTEXT"));
            }
            return variables;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The input artifact copied to a local file, as CodeBuild downloads the source before DOWNLOAD_SOURCE.</summary>
    private static LocalCopy? OpenSource(RegionState region, ArtifactLocation location)
    {
        try
        {
            using var opened = region.S3.Open(location.Bucket, location.Key, null, "GET");
            var path = region.S3.StagingPath();
            using (var file = File.Create(path))
                opened.Body?.CopyTo(file);
            return new LocalCopy(path);
        }
        catch (S3.S3Error)
        {
            return null;
        }
    }

    private sealed record LocalCopy(string Path) : IDisposable
    {
        public void Dispose() => File.Delete(Path);
    }
}

/// <summary>A failed build's phase and CodeBuild's phase context (code and message).</summary>
public sealed record BuildFailure(string Phase, string Code, string Message);

/// <summary>Runs one build's phases; the log, the phases, and the failure if any.</summary>
public sealed class BuildRun : IDisposable
{
    private static readonly string[] CommandPhases = ["INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD"];

    private BuildWorkspace? workspace;
    private IReadOnlyList<string> artifactFiles = [];

    public BuildLog Log { get; } = new();
    public List<BuildPhaseRecord> Phases { get; } = [];
    public BuildFailure? Failure { get; private set; }

    public static BuildRun Execute(ProjectRecord project, BuildRecord build, string? sourceZip, Dictionary<string, string> environment,
        RegionState region, (string Code, string Message)? fault)
    {
        var run = new BuildRun();
        run.Run(project, build, sourceZip, environment, region, fault);
        return run;
    }

    public void WriteArtifact(Stream destination) => workspace!.Zip(artifactFiles, destination);

    public void Dispose() => workspace?.Dispose();

    private void Run(ProjectRecord project, BuildRecord build, string? sourceZip, Dictionary<string, string> environment, RegionState region,
        (string Code, string Message)? fault)
    {
        foreach (var early in new[] { "SUBMITTED", "QUEUED", "PROVISIONING" }) Phase(early, "SUCCEEDED", Log.Now);
        Log.Container("Running on CodeBuild On-demand");
        Log.Container("Waiting for agent ping");
        Log.Container("Waiting for DOWNLOAD_SOURCE");
        var started = Log.Now;
        var sourceDirectory = $"/codebuild/output/src{build.BuildNumber}{Ids.Hex(6)}/src";
        Log.Container("Phase is DOWNLOAD_SOURCE");
        Log.Container($"CODEBUILD_SRC_DIR={sourceDirectory}");
        try
        {
            workspace = new BuildWorkspace(sourceZip);
        }
        catch (InvalidDataException)
        {
            workspace = new BuildWorkspace(null);
            Fail("DOWNLOAD_SOURCE", started, "CLIENT_ERROR", "zip: not a valid zip file for primary source");
            return;
        }
        var text = project.BuildSpec ?? workspace.ReadText("buildspec.yml");
        if (text is null)
        {
            Fail("DOWNLOAD_SOURCE", started, "YAML_FILE_ERROR", $"stat {sourceDirectory}/buildspec.yml: no such file or directory");
            return;
        }
        Log.Container($"YAML location is {(project.BuildSpec is null ? sourceDirectory + "/buildspec.yml" : "/codebuild/readonly/buildspec.yml")}");
        var (spec, error) = BuildSpec.Parse(text);
        if (spec is null)
        {
            Fail("DOWNLOAD_SOURCE", started, "YAML_FILE_ERROR", error!);
            return;
        }
        foreach (var (name, value) in spec.Variables) environment.TryAdd(name, value);
        Log.Container("Processing environment variables");
        Log.Container($"Moving to directory {sourceDirectory}");
        Complete("DOWNLOAD_SOURCE", started);

        var commands = new BuildCommands(workspace, environment, region.S3, region.Name, Log);
        var failedIn = (string?)null;
        foreach (var phase in CommandPhases)
        {
            // After a failed INSTALL or PRE_BUILD CodeBuild runs nothing more; after a failed BUILD it still runs POST_BUILD.
            if (failedIn is not null && (failedIn != "BUILD" || phase != "POST_BUILD")) break;
            var lines = spec.Phases.FirstOrDefault(p => p.Phase.Equals(phase, StringComparison.OrdinalIgnoreCase)).Commands ?? [];
            var phaseStart = Log.Now;
            Log.Container($"Entering phase {phase}");
            var failed = false;
            foreach (var line in lines)
            {
                Log.Container($"Running command {line}");
                var failure = phase == "BUILD" && fault is { } injected ? new CommandFailure(injected.Message) : commands.Run(line);
                if (failure is null) continue;
                foreach (var output in failure.Output.Split('\n')) Log.Output(output);
                Log.Container($"Command did not exit successfully {line} exit status 1");
                Fail(phase, phaseStart, "COMMAND_EXECUTION_ERROR", $"Error while executing command: {line}. Reason: exit status 1", final: false);
                failed = true;
                failedIn ??= phase;
                break;
            }
            if (!failed) Complete(phase, phaseStart);
        }
        if (failedIn is not null)
        {
            Finish(Log.Now);
            return;
        }

        var uploadStart = Log.Now;
        Log.Container("Expanding base directory path: .");
        Log.Container("Assembling file list");
        artifactFiles = spec.ArtifactFiles is null ? [] : workspace.Match(spec.ArtifactFiles);
        foreach (var glob in spec.ArtifactFiles ?? []) Log.Container($"Expanding {glob}");
        if (spec.ArtifactFiles is not null && artifactFiles.Count == 0)
        {
            Fail("UPLOAD_ARTIFACTS", uploadStart, "CLIENT_ERROR", "no matching artifact paths found");
            return;
        }
        Log.Container($"Found {artifactFiles.Count} file(s)");
        Complete("UPLOAD_ARTIFACTS", uploadStart);
        Finish(Log.Now);
    }

    private void Complete(string phase, DateTimeOffset start)
    {
        Log.Container($"Phase complete: {phase} State: SUCCEEDED");
        Log.Container("Phase context status code:  Message: ");
        Phase(phase, "SUCCEEDED", start);
    }

    private void Fail(string phase, DateTimeOffset start, string code, string message, bool final = true)
    {
        Log.Container($"Phase complete: {phase} State: FAILED");
        Log.Container($"Phase context status code: {code} Message: {message}");
        Phase(phase, "FAILED", start, code, message);
        Failure ??= new BuildFailure(phase, code, message);
        if (final) Finish(Log.Now);
    }

    private void Finish(DateTimeOffset start)
    {
        Phase("FINALIZING", "SUCCEEDED", start);
        Phases.Add(new BuildPhaseRecord("COMPLETED", null, Log.Now, null));
    }

    private void Phase(string type, string status, DateTimeOffset start, string? code = null, string? message = null) =>
        Phases.Add(new BuildPhaseRecord(type, status, start, Log.Now, code, message));
}
