using System.Globalization;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;

namespace Portal.AwsEmulator.CodePipeline.StackResources;

/// <summary>AWS::CodePipeline::Pipeline: registers the pipeline (stages, actions, variables, execution mode) so it can be started.</summary>
public sealed class PipelineResource : IResourceProvisioner
{
    private const string Service = "CodePipeline";

    public ResourceKind Kind { get; } = new("AWS::CodePipeline::Pipeline", new HashSet<string> { "Version" }, new HashSet<string> { "Name" }, NameProperty: "Name");

    public ProvisionedResource Create(ResourceRequest request)
    {
        var declaration = Declaration(request);
        declaration.Name = PhysicalNames.Given(request, "Name", 100);
        var pipeline = HandlerErrors.Call(Service, () => request.Region.Pipelines.Register(declaration));
        return ProvisionedResource.Of(pipeline.Name, ("Version", pipeline.Version.ToString(CultureInfo.InvariantCulture)));
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current)
    {
        var pipeline = HandlerErrors.Call(Service, () => request.Region.Pipelines.Update(current.PhysicalId, Declaration(request)));
        return ProvisionedResource.Of(pipeline.Name, ("Version", pipeline.Version.ToString(CultureInfo.InvariantCulture)));
    }

    public void Delete(ResourceRequest request, ProvisionedResource current) => request.Region.Pipelines.Remove(current.PhysicalId);

    private static PipelineRecord Declaration(ResourceRequest request)
    {
        var type = request.Text("PipelineType") ?? "V1";
        var mode = request.Text("ExecutionMode") ?? ExecutionModes.Superseded;
        if (mode is not (ExecutionModes.Superseded or ExecutionModes.Queued or ExecutionModes.Parallel))
            throw HandlerErrors.Failure(Service, $"ExecutionMode {mode} is not one of SUPERSEDED, QUEUED, PARALLEL.");
        if (type != "V2" && mode != ExecutionModes.Superseded)
            throw HandlerErrors.Failure(Service, $"Execution mode {mode} requires a pipeline of type V2.");
        var stages = Objects(request.Properties["Stages"]).Select(Stage).ToList();
        if (stages.Count < 2)
            throw HandlerErrors.Failure(Service, "A pipeline must contain at least two stages.");
        if (stages[0].Actions.Any(a => a.Category != "Source") || stages.Skip(1).Any(s => s.Actions.Any(a => a.Category == "Source")))
            throw HandlerErrors.Failure(Service, "Only the first stage may contain source actions, and it may contain only those.");
        foreach (var duplicate in stages.GroupBy(s => s.Name).Where(g => g.Count() > 1))
            throw HandlerErrors.Failure(Service, $"Stage name '{duplicate.Key}' is used more than once.");
        return new PipelineRecord
        {
            ArtifactStore = ArtifactStore(request),
            PipelineType = type,
            ExecutionMode = mode,
            Stages = stages,
            Variables = Objects(request.Properties["Variables"])
                .Select(v => new VariableDeclaration(Text(v, "Name") ?? "", Text(v, "DefaultValue"), Text(v, "Description"))).ToList(),
        };
    }

    private static StageDeclaration Stage(JsonObject stage)
    {
        var name = Text(stage, "Name") ?? "";
        var actions = Objects(stage["Actions"]).Select(a =>
        {
            var typeId = a["ActionTypeId"] as JsonObject ?? [];
            return new ActionDeclaration(
                Text(a, "Name") ?? "", Text(typeId, "Category") ?? "", Text(typeId, "Owner") ?? "", Text(typeId, "Provider") ?? "", Text(typeId, "Version") ?? "1",
                int.TryParse(Text(a, "RunOrder"), NumberStyles.None, CultureInfo.InvariantCulture, out var order) ? order : 1,
                (a["Configuration"] as JsonObject ?? []).ToDictionary(c => c.Key, c => TemplateText.AsString(c.Value) ?? c.Value?.ToJsonString() ?? ""),
                ArtifactNames(a["InputArtifacts"]), ArtifactNames(a["OutputArtifacts"]), Text(a, "Namespace"));
        }).ToList();
        if (actions.Count == 0)
            throw HandlerErrors.Failure(Service, $"Stage '{name}' must contain at least one action.");
        return new StageDeclaration(name, actions);
    }

    private static List<string> ArtifactNames(JsonNode? node) => Objects(node).Select(o => Text(o, "Name") ?? "").Where(n => n.Length > 0).ToList();

    /// <summary>ArtifactStore's bucket, or for a cross-region pipeline the one ArtifactStores gives the stack's region.</summary>
    private static string? ArtifactStore(ResourceRequest request)
    {
        if (request.Properties["ArtifactStore"] is JsonObject store) return Text(store, "Location");
        return Objects(request.Properties["ArtifactStores"]).FirstOrDefault(s => Text(s, "Region") == request.RegionName) is { } regional
            && regional["ArtifactStore"] is JsonObject inner ? Text(inner, "Location") : null;
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? node) => node is JsonArray list ? list.OfType<JsonObject>() : [];

    private static string? Text(JsonObject obj, string name) => TemplateText.AsString(obj[name]);
}
